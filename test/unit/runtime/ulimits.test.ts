import { describe, expect, it } from 'vitest';
import { rlimitType, toRlimits } from '../../../src/runtime/ulimits.js';

describe('ulimit mapping', () => {
  it('maps every Docker ulimit name to its RLIMIT_ type', () => {
    const names = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];
    expect(names.map(rlimitType)).toEqual(names.map((n) => `RLIMIT_${n.toUpperCase()}`));
    expect(rlimitType('NOFILE')).toBe('RLIMIT_NOFILE');
  });

  it('refuses names Docker refuses ("as") and unknown ones', () => {
    expect(() => rlimitType('as')).toThrow(expect.objectContaining({ code: 'invalid' }));
    expect(() => rlimitType('files')).toThrow(/unknown ulimit "files"/);
  });

  it('converts soft/hard pairs', () => {
    expect(toRlimits([{ name: 'nofile', soft: 1024, hard: 2048 }, { name: 'nproc', soft: 10, hard: 10 }])).toEqual([
      { type: 'RLIMIT_NOFILE', hard: 2048, soft: 1024 },
      { type: 'RLIMIT_NPROC', hard: 10, soft: 10 },
    ]);
  });

  it('refuses soft above hard, negatives and duplicates', () => {
    expect(() => toRlimits([{ name: 'nofile', soft: 5, hard: 4 }])).toThrow(/soft limit 5 is greater than hard limit 4/);
    expect(() => toRlimits([{ name: 'core', soft: -1, hard: 0 }])).toThrow(/non-negative/);
    expect(() => toRlimits([{ name: 'core', soft: 0, hard: 0 }, { name: 'CORE', soft: 0, hard: 0 }])).toThrow(/given twice/);
  });
});
