import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** Write a file so readers see the old or the new content, never half (a crash mid-write keeps the old). */
export async function writeAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, file);
}

/**
 * The same for a small state file (a record of a few KB), with sync calls: ~0.1 ms on the
 * event loop, where the async ones queue four thread-pool round trips behind whatever
 * container work (unmounts, deletes, log reads) keeps the pool busy — milliseconds each.
 */
export function writeAtomicSmall(file: string, text: string, mode = 0o600, dir?: string): void {
  if (dir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o710 });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}
