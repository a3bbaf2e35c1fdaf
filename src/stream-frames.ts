// Docker's multiplexed-stream framing (logs, attach and exec without a TTY), which berth-shim's
// attach.sock speaks too: an 8-byte header [type, 0, 0, 0, size (uint32 BE)], then `size`
// bytes. Docker's types: 0 stdin, 1 stdout, 2 stderr; the shim adds its control frames
// (src/runtime/core/shim.c). One encoder and one splitter for the client, berthd and the
// runtime driver.

export function frameHeader(type: number, size: number): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(size, 4);
  return header;
}

export function encodeFrame(type: number, data: Buffer): Buffer {
  return Buffer.concat([frameHeader(type, data.length), data]);
}

/** Feed it a stream's chunks: it calls `onFrame` for each whole frame (the payload is a view of the input). */
export function frameSplitter(onFrame: (type: number, data: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0] ?? 1;
      const data = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      onFrame(type, data);
    }
  };
}
