import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

/** Write a file so readers see the old or the new content, never half (a crash mid-write keeps the old). */
export async function writeAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, file);
}
