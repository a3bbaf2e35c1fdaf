// The shim writes STATE_DIR/exit.json when the container's init exits. The engine's exit
// events hang on waitForExit, so it is driven by fs.watch (inotify) on the state dir, not
// by a polling interval.
import { existsSync, readFileSync, renameSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { BerthError, internal } from '../errors.js';
import type { ExitRecord } from './types.js';

export const EXIT_FILE = 'exit.json';

function parseExitRecord(text: string, file: string): ExitRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw internal(`${file}: not JSON`, err);
  }
  const r = raw as Partial<ExitRecord> | null;
  if (!r || typeof r.exitCode !== 'number' || typeof r.exitedAt !== 'string') throw internal(`${file}: expected {exitCode, exitedAt}, got ${text.slice(0, 200)}`);
  const rec: ExitRecord = { exitCode: r.exitCode, exitedAt: r.exitedAt };
  if (typeof r.signal === 'number') rec.signal = r.signal;
  if (typeof r.oomKilled === 'boolean') rec.oomKilled = r.oomKilled;
  return rec;
}

/**
 * The exit record, or undefined while the container has not exited. A small file in a tmpfs
 * (the run dir), read with a sync call: an exit seen is then handled at once, not after a
 * round trip through the thread pool that other containers' work keeps busy.
 */
export async function readExitRecord(stateDir: string): Promise<ExitRecord | undefined> {
  const file = path.join(stateDir, EXIT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseExitRecord(text, file);
}

/**
 * For a shim that died without writing the record (killed), once its container is gone too:
 * the record it would have written (255: exit status unknown, as berth-shim's own for an init
 * it never saw exit), so that what waits on the exit ends. Not over an existing record.
 */
export function recordLostExit(stateDir: string): ExitRecord {
  const rec: ExitRecord = { exitCode: 255, exitedAt: new Date().toISOString() };
  const file = path.join(stateDir, EXIT_FILE);
  if (existsSync(file)) return rec;
  writeFileSync(`${file}.lost`, `${JSON.stringify(rec)}\n`);
  renameSync(`${file}.lost`, file);
  return rec;
}

/**
 * Resolves with the exit record once exit.json exists. A half-written file (a shim that
 * does not rename into place) reads as "not yet" and the next inotify event retries.
 */
export function waitForExit(stateDir: string, signal?: AbortSignal): Promise<ExitRecord> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new BerthError('canceled', `waiting for ${stateDir}: canceled`));
      return;
    }
    let done = false;
    let watcher: FSWatcher;
    try {
      watcher = watch(stateDir, { persistent: true });
    } catch (err) {
      reject(new BerthError('not_found', `state dir ${stateDir}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => finish(() => reject(new BerthError('canceled', `waiting for ${stateDir}: canceled`)));
    const check = (): void => {
      readExitRecord(stateDir).then(
        (rec) => {
          if (rec) finish(() => resolve(rec));
        },
        (err: unknown) => {
          // A partial write parses as garbage; a later event (the write's close) retries.
          if (err instanceof BerthError && err.code === 'internal') return;
          finish(() => reject(err));
        },
      );
    };
    watcher.on('change', (_event, name) => {
      // The state dir itself removed (container deleted under us): no record will come.
      if (!existsSync(stateDir)) {
        finish(() => reject(new BerthError('not_found', `state dir ${stateDir} was removed before the container exited`)));
        return;
      }
      if (name === null || String(name) === EXIT_FILE) check();
    });
    watcher.on('error', (err) => finish(() => reject(new BerthError('not_found', `state dir ${stateDir}: ${err.message}`, { cause: err }))));
    signal?.addEventListener('abort', onAbort);
    // The file may have appeared before the watch started.
    check();
  });
}
