// Reader for the shim's container log, Docker's json-file format: one JSON object per
// line, {"log": "...\n", "stream": "stdout"|"stderr", "time": RFC 3339 nanoseconds}.
import { watch } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { BerthError, internal } from '../errors.js';

export interface JsonLogEntry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export function parseJsonLog(text: string, file = 'log'): JsonLogEntry[] {
  const entries: JsonLogEntry[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      // The last line may be mid-write while the container runs; anything else is corrupt.
      if (i === lines.length - 1) break;
      throw internal(`${file}:${i + 1}: not a json-file log line`, err);
    }
    const e = raw as Partial<JsonLogEntry>;
    if (typeof e.log !== 'string' || (e.stream !== 'stdout' && e.stream !== 'stderr') || typeof e.time !== 'string') {
      throw internal(`${file}:${i + 1}: expected {log, stream, time}`);
    }
    entries.push({ log: e.log, stream: e.stream, time: e.time });
  }
  return entries;
}

export async function readJsonLog(file: string): Promise<JsonLogEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseJsonLog(text, file);
}

/** The concatenated text of one stream (or both, in order). */
export function logText(entries: JsonLogEntry[], stream?: 'stdout' | 'stderr'): string {
  return entries.filter((e) => stream === undefined || e.stream === stream).map((e) => e.log).join('');
}

/**
 * Calls onEntry for every entry already in the log and then for each one appended (like
 * `docker logs -f`), until the signal aborts. Driven by fs.watch on the file; a partial
 * last line waits for the rest of it.
 */
export async function followJsonLog(file: string, onEntry: (e: JsonLogEntry) => void, signal: AbortSignal): Promise<void> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new BerthError('not_found', `log ${file} does not exist`, { cause: err }) : err;
  });
  let offset = 0;
  let pending = '';
  let reading: Promise<void> = Promise.resolve();
  const drain = async (): Promise<void> => {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      pending += buf.subarray(0, bytesRead).toString('utf8');
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) continue;
      const complete = pending.slice(0, cut + 1);
      pending = pending.slice(cut + 1);
      for (const e of parseJsonLog(complete, file)) onEntry(e);
    }
  };
  const watcher = watch(file);
  try {
    // Serialise reads: a change event during a read queues one more pass.
    watcher.on('change', () => {
      reading = reading.then(drain);
    });
    reading = reading.then(drain);
    await new Promise<void>((resolve, reject) => {
      watcher.on('error', reject);
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await reading;
  } finally {
    watcher.close();
    await fh.close();
  }
}
