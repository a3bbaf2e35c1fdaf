// Reader for the shim's container log, Docker's json-file format: one JSON object per
// line, {"log": "...\n", "stream": "stdout"|"stderr", "time": RFC 3339 nanoseconds}.
import { readFile } from 'node:fs/promises';
import { internal } from '../errors.js';

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
