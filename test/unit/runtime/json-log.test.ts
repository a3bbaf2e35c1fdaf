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
