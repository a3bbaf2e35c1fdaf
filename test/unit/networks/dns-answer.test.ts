import { describe, expect, it } from 'vitest';
import { decide, ipFromReverse } from '../../../src/engine/networks/dns-answer.js';
import { DnsRecords } from '../../../src/engine/networks/dns-records.js';
import { aRecordAddress, buildQuery, parseQuery, RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA, TYPE_PTR } from '../../../src/engine/networks/dns-wire.js';

function setup(): DnsRecords {
  const r = new DnsRecords();
  r.set('netA', 'c1', '172.18.0.2', ['web-1', 'web']);
  r.set('netA', 'c2', '172.18.0.3', ['web-2', 'web']);
  r.set('netA', 'c3', '172.18.0.4', ['client']);
  r.set('netB', 'c3', '172.19.0.2', ['client']);
  r.set('netB', 'c4', '172.19.0.3', ['db']);
  return r;
}

const ask = (r: DnsRecords, net: string, src: string, name: string, type = TYPE_A) => decide(parseQuery(buildQuery(1, name, type)), r, net, src);

describe('DNS decisions', () => {
  it('answers A for known names, case-insensitively, with round-robin over replicas', () => {
    const r = setup();
    const first = ask(r, 'netA', '172.18.0.4', 'WEB');
    const second = ask(r, 'netA', '172.18.0.4', 'web.');
    if (first.kind !== 'answer' || second.kind !== 'answer') throw new Error('expected answers');
    const a = first.records.map(aRecordAddress);
    const b = second.records.map(aRecordAddress);
    expect(a.sort()).toEqual(['172.18.0.2', '172.18.0.3']);
    expect(second.records.map(aRecordAddress)[0]).not.toBe(first.records.map(aRecordAddress)[0]);
    expect(b).toHaveLength(2);
  });

  it('resolves names on every network the asker shares, and only those', () => {
    const r = setup();
    // c3 is on both networks, asks on netA for db (netB)
    const shared = ask(r, 'netA', '172.18.0.4', 'db');
    expect(shared.kind === 'answer' && shared.records.map(aRecordAddress)).toEqual(['172.19.0.3']);
    // c1 is only on netA: db is unknown to it
    const isolated = ask(r, 'netA', '172.18.0.2', 'db');
    expect(isolated).toEqual({ kind: 'answer', rcode: RCODE_NXDOMAIN, records: [] });
  });

  it('answers AAAA for known names with an empty NOERROR', () => {
    expect(ask(setup(), 'netA', '172.18.0.2', 'web', TYPE_AAAA)).toEqual({ kind: 'answer', rcode: RCODE_NOERROR, records: [] });
  });

  it('forwards unknown dotted names and other questions', () => {
    expect(ask(setup(), 'netA', '172.18.0.2', 'example.com')).toEqual({ kind: 'forward' });
    expect(ask(setup(), 'netA', '172.18.0.2', '8.8.8.8.in-addr.arpa', TYPE_PTR)).toEqual({ kind: 'forward' });
  });

  it('answers PTR for container addresses', () => {
    const d = ask(setup(), 'netA', '172.18.0.2', '3.0.18.172.in-addr.arpa', TYPE_PTR);
    expect(d.kind).toBe('answer');
    expect(ipFromReverse('3.0.18.172.in-addr.arpa')).toBe('172.18.0.3');
  });

  it('forgets containers that leave', () => {
    const r = setup();
    r.delete('netA', 'c1');
    r.delete('netA', 'c2');
    expect(ask(r, 'netA', '172.18.0.4', 'web')).toEqual({ kind: 'answer', rcode: RCODE_NXDOMAIN, records: [] });
  });
});
