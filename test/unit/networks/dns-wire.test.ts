import { describe, expect, it } from 'vitest';
import {
  aRecord,
  aRecordAddress,
  buildQuery,
  buildResponse,
  encodeName,
  parseQuery,
  parseResponse,
  ptrRecord,
  readName,
  RCODE_NXDOMAIN,
  TYPE_A,
  TYPE_PTR,
} from '../../../src/engine/networks/dns-wire.js';

describe('dns wire format', () => {
  it('round-trips a query', () => {
    const q = parseQuery(buildQuery(0x1234, 'web.example', TYPE_A));
    expect(q.id).toBe(0x1234);
    expect(q.flags & 0x0100).toBe(0x0100); // RD
    expect(q.questions).toEqual([{ name: 'web.example', type: TYPE_A, class: 1 }]);
  });

  it('encodes names as length-prefixed labels', () => {
    expect([...encodeName('ab.c')]).toEqual([2, 97, 98, 1, 99, 0]);
    expect([...encodeName('.')]).toEqual([0]);
    expect(() => encodeName('a'.repeat(64))).toThrow();
  });

  it('follows compression pointers and refuses loops', () => {
    // "x" at offset 0, then a pointer to it at offset 3
    const buf = Buffer.from([1, 120, 0, 1, 121, 0xc0, 0]);
    expect(readName(buf, 3)).toEqual({ name: 'y.x', next: 7 });
    expect(() => readName(Buffer.from([0xc0, 0]), 0)).toThrow(/loop/);
    expect(() => readName(Buffer.from([5, 97]), 0)).toThrow();
  });

  it('builds an answer with the question echoed, QR/RA set, ID and RD kept', () => {
    const q = parseQuery(buildQuery(7, 'db', TYPE_A));
    const r = parseResponse(buildResponse(q, 0, [aRecord('db', '172.18.0.3'), aRecord('db', '172.18.0.4')]));
    expect(r.id).toBe(7);
    expect(r.flags & 0x8000).toBe(0x8000);
    expect(r.flags & 0x0180).toBe(0x0180);
    expect(r.questions[0]?.name).toBe('db');
    expect(r.answers.map(aRecordAddress)).toEqual(['172.18.0.3', '172.18.0.4']);
  });

  it('carries NXDOMAIN and PTR answers', () => {
    const q = parseQuery(buildQuery(9, '3.0.18.172.in-addr.arpa', TYPE_PTR));
    const nx = parseResponse(buildResponse(q, RCODE_NXDOMAIN, []));
    expect(nx.rcode).toBe(RCODE_NXDOMAIN);
    const ptr = parseResponse(buildResponse(q, 0, [ptrRecord(q.questions[0]?.name ?? '', 'db')]));
    expect(readName(ptr.answers[0]?.data ?? Buffer.alloc(1), 0).name).toBe('db');
  });

  it('rejects truncated messages', () => {
    expect(() => parseQuery(Buffer.alloc(5))).toThrow();
    const q = buildQuery(1, 'abc', TYPE_A);
    expect(() => parseQuery(q.subarray(0, q.length - 2))).toThrow();
  });
});
