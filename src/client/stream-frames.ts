import { Transform, type TransformCallback } from 'node:stream';
import { encodeFrame as encode, frameSplitter as splitter } from '../stream-frames.js';

// Docker's multiplexed streams (../stream-frames.ts) as the client reads them: frames named
// by their stream.

export type StreamKind = 'stdin' | 'stdout' | 'stderr';
export interface Frame {
  stream: StreamKind;
  data: Buffer;
}

const KINDS: StreamKind[] = ['stdin', 'stdout', 'stderr'];

export function encodeFrame(stream: StreamKind, data: Buffer): Buffer {
  return encode(KINDS.indexOf(stream), data);
}

/** Splits a multiplexed byte stream into frames: feed it the chunks, it calls `onFrame` for each whole frame. */
export function frameSplitter(onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  return splitter((type, data) => onFrame({ stream: KINDS[type] ?? 'stdout', data }));
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
