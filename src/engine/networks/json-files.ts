import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

// One JSON file per record, written atomically (temp file + rename). Writes to the same
// file run one after another and each serialises the state at the moment it runs, so
// the file always ends with the newest state even when many changes race.

let counter = 0;

export class JsonFiles<T> {
  private readonly chains = new Map<string, Promise<void>>();
  /** A write queued behind a running one, not started yet: later saves join it. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** Persist `snapshot()` (or delete the file when it returns undefined). */
  save(name: string, snapshot: () => T | undefined): Promise<void> {
    const file = path.join(this.dir, `${name}.json`);
    const queued = this.waiting.get(file);
    if (queued) return queued; // it snapshots when it starts, so it carries this change too
    const prev = this.chains.get(file) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(() => {
        this.waiting.delete(file);
        return this.write(file, snapshot());
      });
    this.waiting.set(file, next);
    this.chains.set(file, next);
    void next
      .finally(() => {
        if (this.chains.get(file) === next) this.chains.delete(file);
      })
      .catch(() => undefined);
    return next;
  }

  async loadAll(): Promise<T[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: T[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        out.push(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as T);
      } catch {
        // a torn or foreign file is skipped rather than blocking the daemon's start
      }
    }
    return out;
  }

  private async write(file: string, value: T | undefined): Promise<void> {
    if (value === undefined) {
      rmSync(file, { force: true });
      return;
    }
    // Small files, sync calls: no thread-pool queue behind container work (see atomic-write.ts).
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${counter++}`;
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    renameSync(tmp, file);
  }
}
