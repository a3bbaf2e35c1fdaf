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

/** Splits a multiplexed byte stream into frames: feed it the chunks, it calls `onFrame` for each whole frame. */
export function frameSplitter(onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const kind = KINDS[pending[0] ?? 1] ?? 'stdout';
      const data = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      onFrame({ stream: kind, data });
    }
  };
}

/** Splits a multiplexed byte stream into Frame objects (object mode on the readable side). */
export class FrameDecoder extends Transform {
  private readonly split = frameSplitter((frame) => this.push(frame));

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.split(chunk);
    done();
  }
}
