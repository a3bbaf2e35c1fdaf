import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalid } from '../../errors.js';

// Layer and archive streams arrive gzip-compressed or plain; the first bytes say which.
// zstd, xz and bzip2 are recognised and refused with a clear error (Node 20 has no
// decoder for them).

export type Compression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'none';

const MAGIC: [Exclude<Compression, 'none'>, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];
const HEAD_LENGTH = 6;

export function detectCompression(head: Buffer): Compression {
  for (const [kind, magic] of MAGIC) if (magic.every((b, i) => head[i] === b)) return kind;
  return 'none';
}

/** Read the first bytes of a stream, then hand back an equivalent stream. */
export async function sniff(src: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < HEAD_LENGTH) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    head.push(chunk);
    length += chunk.length;
  }
  const compression = detectCompression(Buffer.concat(head));
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  }
  return { compression, stream: Readable.from(replay(), { objectMode: false }) };
}

/** The uncompressed content of a possibly gzip-compressed stream. */
export async function decompressed(src: Readable, what: string): Promise<Readable> {
  const { compression, stream } = await sniff(src);
  if (compression !== 'none' && compression !== 'gzip') {
    stream.destroy();
    throw invalid(`${what}: ${compression}-compressed content is not supported (use gzip or uncompressed tar)`);
  }
  if (compression === 'none') return stream;
  const gunzip = createGunzip();
  stream.on('error', (err) => gunzip.destroy(err));
  return stream.pipe(gunzip);
}

/** Pass-through that computes the sha256 and byte count of what flows through it. */
export class Digester extends Transform {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  /** "sha256:<hex>"; call once, after the stream ended. */
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

export const sha256Of = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
