import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomicSmall } from '../atomic-write.js';
import type { ContainerRecord } from './model.js';

// Container records on disk: <root>/containers/<id>/config.v2.json, written atomically
// after each state change so a berthd killed at any point restarts from a whole record.
export class ContainerStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, 'containers');
  }

  containerDir(id: string): string {
    return path.join(this.dir, id);
  }

  /** Sync calls (see writeAtomicSmall); a failure still comes back as a rejection. */
  save(record: ContainerRecord): Promise<void> {
    try {
      const dir = this.containerDir(record.Id);
      writeAtomicSmall(path.join(dir, 'config.v2.json'), JSON.stringify(record), 0o600, dir);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  async loadAll(): Promise<ContainerRecord[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o710 });
    const out: ContainerRecord[] = [];
    for (const id of await readdir(this.dir)) {
      try {
        out.push(JSON.parse(await readFile(path.join(this.dir, id, 'config.v2.json'), 'utf8')) as ContainerRecord);
      } catch {
        // a directory without a whole record is a create that never finished
        await rm(path.join(this.dir, id), { recursive: true, force: true }).catch(() => undefined);
      }
    }
    return out;
  }
}
