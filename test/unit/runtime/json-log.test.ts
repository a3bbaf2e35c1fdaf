import { describe, expect, it } from 'vitest';
import { logText, parseJsonLog } from '../../../src/runtime/json-log.js';

describe('json-file log parsing', () => {
  const line = (log: string, stream: string) => JSON.stringify({ log, stream, time: '2026-11-22T23:00:00.123456789Z' });

  it('reads entries in order and joins a stream', () => {
    const entries = parseJsonLog(`${line('hello\n', 'stdout')}\n${line('oops\n', 'stderr')}\n${line('bye\n', 'stdout')}\n`);
    expect(entries.map((e) => e.stream)).toEqual(['stdout', 'stderr', 'stdout']);
    expect(logText(entries, 'stdout')).toBe('hello\nbye\n');
    expect(logText(entries)).toBe('hello\noops\nbye\n');
  });

  it('tolerates a half-written last line but not corruption in the middle', () => {
    expect(parseJsonLog(`${line('a\n', 'stdout')}\n{"log":"b`)).toHaveLength(1);
    expect(() => parseJsonLog(`{"log":\n${line('a\n', 'stdout')}\n`, 'c.log')).toThrow(/c.log:1/);
    expect(() => parseJsonLog(`${JSON.stringify({ log: 'x', stream: 'other', time: 't' })}\n`)).toThrow(/expected \{log, stream, time\}/);
  });
});

describe('following a json-file log', () => {
  it('delivers existing entries, then appended ones, and completes a split line', async () => {
    const { appendFile, mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { followJsonLog } = await import('../../../src/runtime/json-log.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-follow-'));
    const file = path.join(dir, 'c.log');
    const entry = (log: string) => `${JSON.stringify({ log, stream: 'stdout', time: '2026-11-22T23:00:00.1Z' })}\n`;
    try {
      await writeFile(file, entry('one\n'));
      const seen: string[] = [];
      const ac = new AbortController();
      let notify: () => void = () => undefined;
      const following = followJsonLog(file, (e) => {
        seen.push(e.log);
        notify();
      }, ac.signal);
      const until = (n: number) => new Promise<void>((resolve) => {
        notify = () => seen.length >= n && resolve();
        notify();
      });
      await until(1);
      const two = entry('two\n');
      await appendFile(file, two.slice(0, 10));
      await appendFile(file, two.slice(10) + entry('three\n'));
      await until(3);
      ac.abort();
      await following;
      expect(seen).toEqual(['one\n', 'two\n', 'three\n']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing log is not_found', async () => {
    const { followJsonLog } = await import('../../../src/runtime/json-log.js');
    await expect(followJsonLog('/nonexistent/berth.log', () => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'not_found' });
  });
});
