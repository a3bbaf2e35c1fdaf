import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

// GET /containers/:id/logs from the shim's json-file log: the selected streams, since /
// until / tail, timestamps, and with follow the lines appended later (fs.watch, no
// polling) until the container stops.

export interface LogOptions {
  file: string;
  stdout: boolean;
  stderr: boolean;
  /** seconds since the epoch (fractional) */
  since?: number;
  until?: number;
  /** number of lines from the end; undefined = all */
  tail?: number;
  timestamps: boolean;
  follow: boolean;
  /** Only what is written from now on (attach), not the file's past. */
  fromEnd?: boolean;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

interface Entry {
  log: string;
  stream: string;
  time: string;
}

/** Reads a growing file line by line from an offset. */
class LineReader {
  private rest = '';
  constructor(private readonly file: string, private offset = 0) {}

  async read(): Promise<string[]> {
    let fh;
    try {
      fh = await open(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
        if (bytesRead === 0) break;
        chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
        this.offset += bytesRead;
      }
      const text = this.rest + Buffer.concat(chunks).toString('utf8');
      const lines = text.split('\n');
      this.rest = lines.pop() ?? '';
      return lines.filter((l) => l !== '');
    } finally {
      await fh.close();
    }
  }
}

export function selectLine(line: string, o: LogOptions): LogLine | undefined {
  let e: Entry;
  try {
    e = JSON.parse(line) as Entry;
  } catch {
    return undefined;
  }
  if (e.stream === 'stdout' && !o.stdout) return undefined;
  if (e.stream === 'stderr' && !o.stderr) return undefined;
  if (e.stream !== 'stdout' && e.stream !== 'stderr') return undefined;
  const t = Date.parse(e.time) / 1000;
  if (o.since !== undefined && t < o.since) return undefined;
  if (o.until !== undefined && t > o.until) return undefined;
  const text = o.timestamps ? `${e.time} ${e.log}` : e.log;
  return { stream: e.stream, data: Buffer.from(text, 'utf8') };
}

/**
 * Stream the log through `emit`. With follow, resolves once `stopped` resolves (the
 * container exited) and the file is drained, or when `signal` aborts (client gone).
 */
export async function streamLogs(o: LogOptions, emit: (line: LogLine) => void, stopped: Promise<void> | undefined, signal: AbortSignal): Promise<void> {
  const start = o.fromEnd ? ((await stat(o.file).catch(() => undefined))?.size ?? 0) : 0;
  const reader = new LineReader(o.file, start);
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  if (o.follow && stopped) {
    // The directory is watched: the log file may not exist before the first start.
    const base = path.basename(o.file);
    watcher = watch(path.dirname(o.file), (_event, name) => {
      if (name === null || String(name) === base) wake?.();
    });
  }
  try {
    let selected = (await reader.read()).map((l) => selectLine(l, o)).filter((l): l is LogLine => l !== undefined);
    if (o.tail !== undefined && o.tail >= 0) selected = o.tail === 0 ? [] : selected.slice(-o.tail);
    for (const l of selected) emit(l);
    if (!o.follow || !stopped) return;
    let done = false;
    const onStop = (): void => {
      done = true;
      wake?.();
    };
    void stopped.then(onStop);
    signal.addEventListener('abort', onStop);
    try {
      for (;;) {
        // The wake-up promise exists before the read, so a change during the read is not lost.
        const changed = new Promise<void>((resolve) => (wake = resolve));
        const stopping = done;
        const lines = await reader.read();
        for (const l of lines) {
          const sel = selectLine(l, o);
          if (sel) emit(sel);
        }
        if (stopping || signal.aborted) break;
        if (lines.length === 0) await changed;
      }
    } finally {
      signal.removeEventListener('abort', onStop);
    }
  } finally {
    watcher?.close();
  }
}

/** Docker's stream multiplexing: [stream, 0, 0, 0, size (big-endian uint32)] + payload. */
export function frame(stream: 'stdout' | 'stderr' | 'stdin', data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdin' ? 0 : stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}
