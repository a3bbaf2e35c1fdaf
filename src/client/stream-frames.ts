import { Transform, type TransformCallback } from 'node:stream';

// Docker's multiplexed stream framing (logs, attach, exec without a TTY): each frame is an
// 8-byte header [stream, 0, 0, 0, size (uint32 BE)] followed by `size` bytes of payload.
// stream: 0 stdin, 1 stdout, 2 stderr.

export type StreamKind = 'stdin' | 'stdout' | 'stderr';
export interface Frame {
  stream: StreamKind;
  data: Buffer;
}

const KINDS: StreamKind[] = ['stdin', 'stdout', 'stderr'];

export function encodeFrame(stream: StreamKind, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = KINDS.indexOf(stream);
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Splits a multiplexed byte stream into Frame objects (object mode on the readable side). */
export class FrameDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = KINDS[this.pending[0] ?? 1] ?? 'stdout';
      this.push({ stream: kind, data: this.pending.subarray(8, 8 + size) } satisfies Frame);
      this.pending = this.pending.subarray(8 + size);
    }
    done();
  }
}
