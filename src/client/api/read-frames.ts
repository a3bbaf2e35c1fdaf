import type { Readable } from 'node:stream';
import { FrameDecoder, type Frame } from '../stream-frames.js';

/** Iterate a logs/attach/exec stream as frames; with a TTY the stream is raw stdout. */
export async function* readFrames(stream: Readable, tty: boolean): AsyncGenerator<Frame> {
  if (tty) {
    for await (const chunk of stream) yield { stream: 'stdout', data: Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string) };
    return;
  }
  const decoder = stream.pipe(new FrameDecoder());
  stream.on('error', (err) => decoder.destroy(err));
  for await (const frame of decoder) yield frame as Frame;
}
