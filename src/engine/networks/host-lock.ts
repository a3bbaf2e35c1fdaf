import { open, readFile, unlink } from 'node:fs/promises';
import { unavailable } from '../../errors.js';

// A lock shared by every berthd on the host (tests run several, each with its own root):
// from reading the host's routes to putting the chosen subnet on a bridge, so two
// daemons never pick the same free subnet at once. An exclusive-create file holding the
// owner's PID; a file left by a dead process is taken over.

export const IPAM_LOCK = '/run/berth-ipam.lock';

export async function withHostLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await ownerIsGone(file)) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw unavailable(`timed out waiting for ${file} (held by another berthd choosing a subnet)`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

async function ownerIsGone(file: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number((await readFile(file, 'utf8')).trim());
  } catch {
    return false; // vanished (released) or being written: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
