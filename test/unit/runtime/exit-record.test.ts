import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExitRecord, waitForExit } from '../../../src/runtime/exit-record.js';

describe('exit record', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'berth-exit-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const record = { exitCode: 137, signal: 9, exitedAt: '2026-11-22T23:00:00.123456789Z', oomKilled: true };

  it('reads nothing before the container exits, the record after', async () => {
    expect(await readExitRecord(dir)).toBeUndefined();
    await writeFile(path.join(dir, 'exit.json'), JSON.stringify(record));
    expect(await readExitRecord(dir)).toEqual(record);
  });

  it('waitForExit resolves when the shim renames exit.json into place', async () => {
    const waiting = waitForExit(dir);
    await writeFile(path.join(dir, 'exit.json.tmp'), JSON.stringify({ exitCode: 0, exitedAt: 't' }));
    await rename(path.join(dir, 'exit.json.tmp'), path.join(dir, 'exit.json'));
    await expect(waiting).resolves.toEqual({ exitCode: 0, exitedAt: 't' });
  });

  it('waitForExit sees a record written before it was called', async () => {
    await writeFile(path.join(dir, 'exit.json'), JSON.stringify(record));
    await expect(waitForExit(dir)).resolves.toEqual(record);
  });

  it('a half-written record is "not yet", the completed write resolves', async () => {
    const file = path.join(dir, 'exit.json');
    const waiting = waitForExit(dir);
    await writeFile(file, '{"exitCode": 1,');
    await writeFile(file, JSON.stringify({ exitCode: 1, exitedAt: 't' }));
    await expect(waiting).resolves.toEqual({ exitCode: 1, exitedAt: 't' });
  });

  it('waitForExit is canceled by its signal', async () => {
    const ac = new AbortController();
    const waiting = waitForExit(dir, ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'canceled' });
  });

  it('a missing state dir is not_found', async () => {
    await expect(waitForExit(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('exit record, state dir removed', () => {
  it('waitForExit rejects not_found when the state dir is removed while waiting', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-exit-'));
    // The handler is attached before the removal: the rejection comes during it.
    const rejected = expect(waitForExit(dir)).rejects.toMatchObject({ code: 'not_found' });
    await rm(dir, { recursive: true });
    await rejected;
  });
});
