import { invalid } from '../../errors.js';

// The small part of the DNS wire format (RFC 1035) the responder needs: read a query's
// header and questions, write an answer with A / PTR records, and read answers back
// (used by tests and by nothing on the hot path). Names are compared lower-case.

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

const FLAG_QR = 0x8000;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const OPCODE_MASK = 0x7800;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsQuery {
  id: number;
  flags: number;
  questions: DnsQuestion[];
  /** Raw bytes of the question section, echoed in the answer. */
  questionBytes: Buffer;
}

export interface DnsRecord {
  name: string;
  type: number;
  ttl: number;
  /** RDATA: 4 bytes for A, an encoded name for PTR. */
  data: Buffer;
}

export interface DnsResponse {
  id: number;
  flags: number;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
}

/** Read a (possibly compressed) name at `offset`; returns the name and the offset after it. */
export function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (pos >= buf.length) throw invalid('DNS name runs past the message');
    const len = buf[pos] ?? 0;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw invalid('DNS name pointer runs past the message');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | (buf[pos + 1] ?? 0);
      if (++jumps > 64) throw invalid('DNS name has a pointer loop');
      continue;
    }
    if (len & 0xc0) throw invalid('DNS name has an unknown label type');
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if (pos + 1 + len > buf.length) throw invalid('DNS label runs past the message');
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  for (const label of trimmed === '' ? [] : trimmed.split('.')) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > 63) throw invalid(`DNS label of bad length in ${name}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function parseQuery(buf: Buffer): DnsQuery {
  if (buf.length < 12) throw invalid('DNS message shorter than its header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qdcount = buf.readUInt16BE(4);
  const questions: DnsQuestion[] = [];
  let pos = 12;
  for (let i = 0; i < qdcount; i++) {
    const { name, next } = readName(buf, pos);
    if (next + 4 > buf.length) throw invalid('DNS question runs past the message');
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    pos = next + 4;
  }
  return { id, flags, questions, questionBytes: buf.subarray(12, pos) };
}

/** An answer to `query` with the given rcode and records (RA set, RD echoed). */
export function buildResponse(query: DnsQuery, rcode: number, answers: DnsRecord[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(FLAG_QR | (query.flags & OPCODE_MASK) | (query.flags & FLAG_RD) | FLAG_RA | (rcode & 0xf), 2);
  header.writeUInt16BE(query.questions.length, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts: Buffer[] = [header, query.questionBytes];
  for (const a of answers) {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(a.type, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(a.ttl, 4);
    fixed.writeUInt16BE(a.data.length, 8);
    parts.push(encodeName(a.name), fixed, a.data);
  }
  return Buffer.concat(parts);
}

export function aRecord(name: string, ip: string, ttl = 600): DnsRecord {
  return { name, type: TYPE_A, ttl, data: Buffer.from(ip.split('.').map(Number)) };
}

export function ptrRecord(name: string, target: string, ttl = 600): DnsRecord {
  return { name, type: TYPE_PTR, ttl, data: encodeName(target) };
}

export function buildQuery(id: number, name: string, type: number, recursionDesired = true): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(recursionDesired ? FLAG_RD : 0, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

export function parseResponse(buf: Buffer): DnsResponse {
  const query = parseQuery(buf);
  const ancount = buf.readUInt16BE(6);
  const answers: DnsRecord[] = [];
  let pos = 12 + query.questionBytes.length;
  for (let i = 0; i < ancount; i++) {
    const { name, next } = readName(buf, pos);
    if (next + 10 > buf.length) throw invalid('DNS record runs past the message');
    const type = buf.readUInt16BE(next);
    const ttl = buf.readUInt32BE(next + 4);
    const len = buf.readUInt16BE(next + 8);
    if (next + 10 + len > buf.length) throw invalid('DNS record data runs past the message');
    let data = buf.subarray(next + 10, next + 10 + len);
    // PTR targets may be compressed: store them expanded so callers need no message.
    if (type === TYPE_PTR) data = encodeName(readName(buf, next + 10).name);
    answers.push({ name, type, ttl, data });
    pos = next + 10 + len;
  }
  return { id: query.id, flags: query.flags, rcode: query.flags & 0xf, questions: query.questions, answers };
}

/** Dotted-quad text of an A record's data. */
export function aRecordAddress(record: DnsRecord): string {
  return [...record.data].join('.');
}
