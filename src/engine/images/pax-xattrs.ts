import { Transform, type TransformCallback } from 'node:stream';

// Extended attributes of layer entries (SCHILY.xattr.<name> pax records, as Docker,
// Go's archive/tar and GNU tar --xattrs write them). tar-stream decodes pax values as
// UTF-8, which mangles binary ones such as security.capability, so this pass-through
// reads the raw records itself while the bytes flow on to tar-stream. Entries are
// numbered as tar-stream hands them out: pax headers and GNU long names are not entries.

const BLOCK = 512;
const XATTR_PREFIX = 'SCHILY.xattr.';
/** Header types tar-stream consumes without handing out an entry. */
const NOT_ENTRIES = new Set(['x', 'g', 'L', 'K']);

export type Xattrs = Map<string, Buffer>;

export class PaxXattrScanner extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of content still to skip (or collect, for a pax header), padding included. */
  private remaining = 0;
  private collecting: { type: string; size: number; parts: Buffer[] } | undefined;
  private global: Xattrs = new Map();
  private next: Xattrs | undefined;
  private entries = 0;
  private readonly found = new Map<number, Xattrs>();

  /** The xattrs of the `index`-th entry (0-based), if it has any. */
  xattrsOf(index: number): Xattrs | undefined {
    return this.found.get(index);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.scan(chunk);
    } catch {
      // Not ours to judge: tar-stream reports a malformed archive.
    }
    done(null, chunk);
  }

  private scan(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, buf.length);
        if (this.collecting) this.collecting.parts.push(buf.subarray(0, take));
        this.remaining -= take;
        buf = buf.subarray(take);
        if (this.remaining > 0) break;
        if (this.collecting) this.endPax(this.collecting);
        this.collecting = undefined;
        continue;
      }
      if (buf.length < BLOCK) break;
      this.header(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
    }
    this.pending = Buffer.from(buf);
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) return; // end-of-archive blocks
    const type = String.fromCharCode(block[156] ?? 0x30);
    const size = readSize(block.subarray(124, 136));
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      this.collecting = { type, size, parts: [] };
      this.remaining = padded;
      if (padded === 0) this.endPax(this.collecting);
      return;
    }
    if (!NOT_ENTRIES.has(type)) {
      const own = this.next;
      this.next = undefined;
      if (this.global.size > 0 || own) this.found.set(this.entries, new Map([...this.global, ...(own ?? [])]));
      this.entries++;
    }
    this.remaining = padded;
  }

  private endPax(p: { type: string; size: number; parts: Buffer[] }): void {
    const xattrs = paxXattrs(Buffer.concat(p.parts).subarray(0, p.size));
    if (p.type === 'g') this.global = new Map([...this.global, ...xattrs]);
    else this.next = xattrs;
    this.collecting = undefined;
  }
}

/** The SCHILY.xattr records of one pax header body ("<len> <key>=<value>\n" each), values raw. */
export function paxXattrs(body: Buffer): Xattrs {
  const out: Xattrs = new Map();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= space - at || at + len > body.length) break;
    const record = body.subarray(space + 1, at + len - 1); // without the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const key = record.subarray(0, eq).toString('utf8');
      if (key.startsWith(XATTR_PREFIX) && key.length > XATTR_PREFIX.length) out.set(key.slice(XATTR_PREFIX.length), Buffer.from(record.subarray(eq + 1)));
    }
    at += len;
  }
  return out;
}

/** A header's size field: octal text, or base-256 when the high bit of the first byte is set. */
function readSize(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}
