import { DnsRecords } from './dns-records.js';
import { aRecord, ptrRecord, RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA, TYPE_PTR, type DnsQuery, type DnsRecord } from './dns-wire.js';

// The responder's decision for one query, pure: answer from container records, or hand
// the query to the upstream resolvers unchanged.

export type DnsDecision = { kind: 'answer'; rcode: number; records: DnsRecord[] } | { kind: 'forward' };

const TTL = 600;

export function decide(query: DnsQuery, records: DnsRecords, networkId: string, sourceIp: string): DnsDecision {
  const q = query.questions[0];
  if (query.questions.length !== 1 || !q) return { kind: 'forward' };
  const name = q.name.replace(/\.$/, '');
  if (q.type === TYPE_PTR) {
    const ip = ipFromReverse(name);
    const target = ip && records.reverse(networkId, sourceIp, ip);
    return target ? { kind: 'answer', rcode: RCODE_NOERROR, records: [ptrRecord(q.name, target, TTL)] } : { kind: 'forward' };
  }
  const ips = records.lookup(networkId, sourceIp, name);
  if (ips.length > 0) {
    // Known name: A answered; any other type (AAAA, MX, ...) is an empty NOERROR, so
    // clients do not fall back to searching elsewhere for a container's name.
    const answers = q.type === TYPE_A ? ips.map((ip) => aRecord(q.name, ip, TTL)) : [];
    return { kind: 'answer', rcode: RCODE_NOERROR, records: answers };
  }
  // An unknown single-label name can only have been meant as a container: NXDOMAIN here
  // rather than leaking the lookup upstream.
  if (!name.includes('.') && (q.type === TYPE_A || q.type === TYPE_AAAA)) return { kind: 'answer', rcode: RCODE_NXDOMAIN, records: [] };
  return { kind: 'forward' };
}

export function ipFromReverse(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/i.exec(name);
  return m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : undefined;
}
