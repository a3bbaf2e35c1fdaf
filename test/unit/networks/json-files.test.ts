import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFiles } from '../../../src/engine/networks/json-files.js';
import { KeyedLock } from '../../../src/engine/networks/keyed-lock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonFiles', () => {
  it('ends with the newest state when saves race, and leaves no temp files', async () => {
    const files = new JsonFiles<{ n: number }>(dir);
    let state = { n: 0 };
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      state = { n: i };
      saves.push(files.save('net', () => state));
    }
    await Promise.all(saves);
    expect(JSON.parse(readFileSync(path.join(dir, 'net.json'), 'utf8'))).toEqual({ n: 20 });
    expect(readdirSync(dir)).toEqual(['net.json']);
    expect(await files.loadAll()).toEqual([{ n: 20 }]);
    await files.save('net', () => undefined);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('KeyedLock', () => {
  it('runs sections of one key one at a time, other keys freely', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = lock.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
    });
    const second = lock.run('a', async () => {
      log.push('a2');
    });
    await lock.run('b', async () => {
      log.push('b');
    });
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });
});
