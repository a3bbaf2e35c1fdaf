import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../../src/engine/networks/coalescer.js';
import { failedBatchLines } from '../../../src/engine/networks/exec.js';

describe('Coalescer', () => {
  it('serves requests of one turn with one flush, each with its own result', async () => {
    const flushes: number[][] = [];
    const c = new Coalescer<number>(async (items) => {
      flushes.push(items);
      return items.map((n) => (n % 2 === 0 ? undefined : new Error(`odd ${n}`)));
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => c.submit(n)));
    expect(flushes).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    await c.submit(6);
    expect(flushes).toEqual([[1, 2, 3, 4], [6]]);
  });

  it('fails every request of a flush that throws', async () => {
    const c = new Coalescer<number>(async () => {
      throw new Error('tool missing');
    });
    await expect(c.submit(1)).rejects.toThrow('tool missing');
  });
});

describe('failedBatchLines', () => {
  it("maps iproute2's messages to the failing line numbers", () => {
    const stderr = 'Cannot find device "nosuch0"\nCommand failed -:2\nCannot find device "nosuch1"\nCommand failed -:4\n';
    expect([...failedBatchLines(stderr)]).toEqual([
      [2, 'Cannot find device "nosuch0"'],
      [4, 'Cannot find device "nosuch1"'],
    ]);
  });
});
