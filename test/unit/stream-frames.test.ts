import { describe, expect, it } from 'vitest';
import { encodeFrame, frameHeader, frameSplitter } from '../../src/stream-frames.js';
import { FrameDecoder, encodeFrame as encodeKind } from '../../src/client/stream-frames.js';

describe("Docker's multiplexed-stream frames", () => {
  it('encode as [type, 0, 0, 0, size BE] + payload', () => {
    expect([...frameHeader(5, 0x01020304)]).toEqual([5, 0, 0, 0, 1, 2, 3, 4]);
    expect(encodeFrame(2, Buffer.from('err'))).toEqual(Buffer.from([2, 0, 0, 0, 0, 0, 0, 3, 0x65, 0x72, 0x72]));
    expect(encodeKind('stdout', Buffer.from('x'))[0]).toBe(1);
  });

  it('split whole frames out of chunks cut anywhere, several to a chunk', () => {
    const wire = Buffer.concat([encodeFrame(1, Buffer.from('hello')), encodeFrame(2, Buffer.alloc(0)), encodeFrame(7, Buffer.from([9])), encodeFrame(1, Buffer.from('!'))]);
    for (const cut of [1, 3, 8, 9, 13, wire.length]) {
      const seen: [number, string][] = [];
      const feed = frameSplitter((type, data) => seen.push([type, data.toString('latin1')]));
      for (let i = 0; i < wire.length; i += cut) feed(wire.subarray(i, i + cut));
      expect(seen).toEqual([
        [1, 'hello'],
        [2, ''],
        [7, '\x09'],
        [1, '!'],
      ]);
    }
  });

  it('the client decoder names the streams', async () => {
    const d = new FrameDecoder();
    const frames: { stream: string; data: string }[] = [];
    d.on('data', (f: { stream: string; data: Buffer }) => frames.push({ stream: f.stream, data: f.data.toString() }));
    d.end(Buffer.concat([encodeKind('stderr', Buffer.from('e')), encodeKind('stdout', Buffer.from('o'))]));
    await new Promise((r) => d.on('end', r));
    expect(frames).toEqual([
      { stream: 'stderr', data: 'e' },
      { stream: 'stdout', data: 'o' },
    ]);
  });
});
