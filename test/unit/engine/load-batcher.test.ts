import { describe, expect, it } from 'vitest';
import { LoadBatcher } from '../../../src/engine/load-batcher.js';

describe('LoadBatcher', () => {
  it('runs a lone request at once, and batches what comes while a batch runs', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const b = new LoadBatcher<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = b.submit(1);
    expect(batches).toEqual([[1]]); // did not wait for a tick
    const rest = [b.submit(2), b.submit(3), b.submit(4)];
    await Promise.resolve();
    expect(batches).toEqual([[1]]); // still running the first
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await b.submit(5);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('answers every caller when a batch fails or throws, and goes on serving', async () => {
    let calls = 0;
    const b = new LoadBatcher<string>((items) => {
      calls++;
      if (items.includes('throw')) throw new Error('sync');
      return Promise.reject(new Error('async'));
    });
    await Promise.all([b.submit('throw'), b.submit('x')]);
    await b.submit('y');
    expect(calls).toBe(3);
  });
});
