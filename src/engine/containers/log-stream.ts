import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeFrame } from '../../stream-frames.js';

// GET /containers/:id/logs from the shim's json-file log: the selected streams, since /
// until / tail, timestamps, and with follow the lines appended later (fs.watch, no
// polling) until the container stops. With max-size the shim rotates the log as Docker
// does (FILE.N … FILE.1 older, FILE current): the rotated files are read first, oldest
// first, and a follower moves on to the new FILE once the one it holds open was rotated.

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

const splitLines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/** The rotated files of `file`, oldest first (FILE.N … FILE.1). */
async function rotatedFiles(file: string): Promise<string[]> {
  const base = path.basename(file);
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  return names
    .map((n) => (n.startsWith(`${base}.`) && /^\d+$/.test(n.slice(base.length + 1)) ? Number(n.slice(base.length + 1)) : 0))
    .filter((n) => n > 0)
    .sort((x, y) => y - x)
    .map((n) => `${file}.${n}`);
}

/**
 * Reads the current log file as it grows, through an open descriptor: it survives a
 * rotation (the file it holds gets a new name: it is read to its end, then the one written
 * after it) and a truncation (max-file 1: from the start again).
 */
class LineReader {
  private fh: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  private rest = '';
  /** what to open next: the log itself, or after a rotation the file that followed ours */
  private next: string;
  constructor(private readonly file: string) {
    this.next = file;
  }

  async read(): Promise<string[]> {
    if (!this.fh) {
      try {
        this.fh = await open(this.next, 'r');
      } catch {
        return [];
      }
      this.ino = (await this.fh.stat()).ino;
      this.offset = 0;
      this.rest = '';
    }
    const lines = await this.drain(this.fh);
    const now = await stat(this.file).catch(() => undefined);
    if (now && now.ino !== this.ino) {
      // rotated: what was written before the rotation is in the file we hold; then its successor
      lines.push(...(await this.drain(this.fh)));
      this.next = await this.successor();
      await this.close();
      lines.push(...(await this.read()));
    } else if (now && now.size < this.offset) {
      this.offset = 0; // truncated (max-file 1)
      this.rest = '';
      lines.push(...(await this.drain(this.fh)));
    }
    return lines;
  }

  /** The file written after ours: our file is FILE.k now, so FILE.(k-1) (FILE for k = 1); the oldest one left if ours is gone. */
  private async successor(): Promise<string> {
    let oldest = this.file;
    for (let k = 1; ; k++) {
      const st = await stat(`${this.file}.${k}`).catch(() => undefined);
      if (!st) return oldest;
      if (st.ino === this.ino) return k === 1 ? this.file : `${this.file}.${k - 1}`;
      oldest = `${this.file}.${k}`;
    }
  }

  private async drain(fh: FileHandle): Promise<string[]> {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      this.offset += bytesRead;
    }
    if (chunks.length === 0) return [];
    const lines = (this.rest + Buffer.concat(chunks).toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l !== '');
  }

  async close(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    this.fh = undefined;
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
  const reader = new LineReader(o.file);
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  if (o.follow && stopped) {
    // The directory is watched: the log file may not exist before the first start, and a rotation renames it.
    const base = path.basename(o.file);
    watcher = watch(path.dirname(o.file), (_event, name) => {
      if (name === null || String(name) === base) wake?.();
    });
  }
  try {
    // The current file first (its descriptor is then held), the rotated ones before it as far as needed.
    const current = (await reader.read()).map((l) => selectLine(l, o)).filter((l): l is LogLine => l !== undefined);
    const older: LogLine[][] = [];
    let count = current.length;
    for (const f of (await rotatedFiles(o.file)).reverse()) {
      if (o.tail !== undefined && o.tail >= 0 && count >= o.tail) break;
      const lines = splitLines(await readFile(f, 'utf8').catch(() => '')).map((l) => selectLine(l, o)).filter((l): l is LogLine => l !== undefined);
      older.unshift(lines);
      count += lines.length;
    }
    let selected = [...older.flat(), ...current];
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
    await reader.close();
  }
}

/** Docker's stream multiplexing (../../stream-frames.ts): one frame of `stream`. */
export function frame(stream: 'stdout' | 'stderr' | 'stdin', data: Buffer): Buffer {
  return encodeFrame(stream === 'stdin' ? 0 : stream === 'stdout' ? 1 : 2, data);
}
