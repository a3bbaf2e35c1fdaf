import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frame, streamLogs, type LogLine, type LogOptions } from '../../../src/engine/containers/log-stream.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logFile(lines: { log: string; stream: string; time: string }[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-log-'));
  dirs.push(dir);
  const file = path.join(dir, 'c-json.log');
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

const entries = [
  { log: 'a\n', stream: 'stdout', time: '2026-01-01T00:00:01.000000001Z' },
  { log: 'b\n', stream: 'stderr', time: '2026-01-01T00:00:02.000000000Z' },
  { log: 'c\n', stream: 'stdout', time: '2026-01-01T00:00:03.000000000Z' },
];

async function collect(o: Partial<LogOptions> & { file: string }, stopped?: Promise<void>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  await streamLogs({ stdout: true, stderr: true, timestamps: false, follow: false, ...o }, (l) => out.push(l), stopped, new AbortController().signal);
  return out;
}

const text = (lines: LogLine[]): string => lines.map((l) => l.data.toString()).join('');

describe('json-file logs', () => {
  it('selects streams, tail, since/until and timestamps', async () => {
    const file = logFile(entries);
    expect(text(await collect({ file }))).toBe('a\nb\nc\n');
    expect(text(await collect({ file, stderr: false }))).toBe('a\nc\n');
    expect(text(await collect({ file, tail: 1 }))).toBe('c\n');
    expect(text(await collect({ file, tail: 0 }))).toBe('');
    const t2 = Date.parse('2026-01-01T00:00:02Z') / 1000;
    expect(text(await collect({ file, since: t2 }))).toBe('b\nc\n');
    expect(text(await collect({ file, until: t2 }))).toBe('a\nb\n');
    expect(text(await collect({ file, tail: 1, timestamps: true }))).toBe('2026-01-01T00:00:03.000000000Z c\n');
  });

  it('follows appended lines until the container stops', async () => {
    const file = logFile(entries.slice(0, 1));
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const seen: string[] = [];
    const done = streamLogs({ file, stdout: true, stderr: true, timestamps: false, follow: true }, (l) => {
      seen.push(l.data.toString());
      if (seen.length === 2) {
        appendFileSync(file, `${JSON.stringify(entries[2])}\n`);
        stop();
      }
    }, stopped, new AbortController().signal);
    appendFileSync(file, `${JSON.stringify(entries[1])}\n`);
    await done;
    expect(seen).toEqual(['a\n', 'b\n', 'c\n']);
  });

  it('reads rotated files oldest first (FILE.2, FILE.1, FILE), tail across them', async () => {
    const file = logFile(entries.slice(2));
    writeFileSync(`${file}.1`, `${JSON.stringify(entries[1])}\n`);
    writeFileSync(`${file}.2`, `${JSON.stringify(entries[0])}\n`);
    writeFileSync(`${file}.x`, 'not a rotated file\n');
    expect(text(await collect({ file }))).toBe('a\nb\nc\n');
    expect(text(await collect({ file, tail: 2 }))).toBe('b\nc\n');
  });

  it('a follower finishes the file it holds when it is rotated, then goes on with the new one', async () => {
    const file = logFile(entries.slice(0, 1));
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const seen: string[] = [];
    const line = (n: number): string => `${JSON.stringify({ log: `${n}\n`, stream: 'stdout', time: '2026-01-01T00:00:04Z' })}\n`;
    const done = streamLogs({ file, stdout: true, stderr: true, timestamps: false, follow: true }, (l) => {
      seen.push(l.data.toString());
      if (seen.length === 1) {
        // written before the rotation, then rotated twice (the follower must not skip FILE.1)
        appendFileSync(file, line(1));
        renameSync(file, `${file}.1`);
        writeFileSync(file, line(2));
        renameSync(`${file}.1`, `${file}.2`);
        renameSync(file, `${file}.1`);
        writeFileSync(file, line(3));
      }
      if (l.data.toString() === '3\n') stop();
    }, stopped, new AbortController().signal);
    await done;
    expect(seen).toEqual(['a\n', '1\n', '2\n', '3\n']);
  });

  it("frames with Docker's 8-byte header", () => {
    expect([...frame('stderr', Buffer.from('hi'))]).toEqual([2, 0, 0, 0, 0, 0, 0, 2, 104, 105]);
  });
});
