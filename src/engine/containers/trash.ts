import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { mountsBelow } from '../../runtime/mountinfo.js';
import { Coalescer } from '../coalescer.js';
import { runTool } from '../spawn-server.js';

// A removed container's directory leaves the records in one rename (into <root>/trash),
// so the removal can answer at once; its rootfs unmount (an RCU grace period in the
// kernel) and the recursive delete happen afterwards. A berthd that stops before that
// empties the trash at its next start. Nothing is deleted while anything is still
// mounted below it: a recursive delete must never walk into a mount.

export class Trash {
  private made = false;
  /**
   * Directories emptied while one `rm` runs go together in the next (`rm -rf a b c`): 30
   * containers removed at once cost a few processes and mountinfo reads instead of 30. Only
   * a directory with nothing mounted below it is passed; each caller then checks its own.
   */
  private readonly deleter = new Coalescer<string>(
    async (dirs) => {
      const info = await readFile('/proc/self/mountinfo', 'utf8');
      const clean = dirs.filter((d) => mountsBelow(info, d).length === 0);
      // A process of its own (forked by the spawn server): thousands of unlink/rmdir calls that
      // would otherwise queue on berthd's thread pool ahead of the next container's start.
      if (clean.length > 0) await runTool('rm', ['-rf', '--one-file-system', '--', ...clean]);
      return dirs.map((d) => (existsSync(d) ? new Error(`${d}: not deleted`) : undefined));
    },
    { gather: 'whileRunning' },
  );

  constructor(
    readonly dir: string,
    private readonly unmountRootfs: (containerDir: string) => Promise<void>,
  ) {}

  /** Move `dir` into the trash (sync: one rename); undefined when it does not exist. */
  take(dir: string, id: string): Promise<string | undefined> {
    try {
      if (!this.made) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.made = true;
      const to = path.join(this.dir, `${id}-${randomBytes(4).toString('hex')}`);
      renameSync(dir, to);
      return Promise.resolve(to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(undefined);
      return Promise.reject(err as Error);
    }
  }

  /** Unmount the rootfs below `dir`, then delete it (kept when something stays mounted). */
  async empty(dir: string): Promise<void> {
    await this.unmountRootfs(dir);
    const left = await this.deleter.submit(dir).then(
      () => false,
      () => true,
    );
    if (!left) return;
    // Left by the batch: something is mounted below it, or rm failed.
    const busy = mountsBelow(await readFile('/proc/self/mountinfo', 'utf8'), dir);
    if (busy.length > 0) throw new Error(`${dir}: still mounted: ${busy.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  }

  /** At start: whatever a stopped berthd left. */
  async emptyAll(): Promise<void> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(entries.map((e) => this.empty(path.join(this.dir, e)).catch((err: unknown) => console.error(`berthd: trash: ${String(err)}`))));
  }
}
