import { afterEach, describe, expect, it, vi } from 'vitest';
import { forEachTarget } from '../../../src/cli/for-each-target.js';

describe('forEachTarget', () => {
  afterEach(() => vi.restoreAllMocks());

  it('tries every target, reports each failure, and exits 1 if any failed', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const code = await forEachTarget(['a', 'bad', 'c'], async (t) => {
      if (t === 'bad') throw new Error('No such container: bad');
      return t.toUpperCase();
    });
    expect(code).toBe(1);
    expect(out).toEqual(['a\n', 'c\n']);
    expect(err).toEqual(['Error response from daemon: No such container: bad\n']);
  });

  it('exits 0 and passes each result to the printer when all succeed', async () => {
    const seen: string[] = [];
    const code = await forEachTarget(['x', 'y'], async (t) => `${t}!`, (t, r) => seen.push(`${t}=${r}`));
    expect(code).toBe(0);
    expect(seen).toEqual(['x=x!', 'y=y!']);
  });
});
