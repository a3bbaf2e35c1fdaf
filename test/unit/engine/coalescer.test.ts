import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../../src/engine/coalescer.js';
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

describe("Coalescer gathering 'whileRunning'", () => {
  it('flushes a lone request at once, and batches what comes while a flush runs', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const c = new Coalescer<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((n) => (n === 3 ? new Error('three') : undefined));
      },
      { gather: 'whileRunning' },
    );
    const first = c.submit(1);
    expect(batches).toEqual([[1]]); // did not wait for a tick
    const rest = [c.submit(2), c.submit(3), c.submit(4)];
    await Promise.resolve();
    expect(batches).toEqual([[1]]); // still running the first
    release();
    const results = await Promise.allSettled([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    await c.submit(5);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails every request of a flush that throws, and goes on serving', async () => {
    let calls = 0;
    const c = new Coalescer<string>(
      (items) => {
        calls++;
        if (items.includes('throw')) throw new Error('sync');
        return Promise.resolve(items.map(() => undefined));
      },
      { gather: 'whileRunning' },
    );
    await expect(c.submit('throw')).rejects.toThrow('sync');
    await c.submit('y');
    expect(calls).toBe(2);
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
