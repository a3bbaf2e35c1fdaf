// What a restarted daemon needs to re-attach to a container: is its shim still there?
// A pid alone is not enough (pids are reused), so the process must also be a berth-shim.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function readShimPid(stateDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(stateDir, 'shim.pid'), 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function isShimAlive(stateDir: string): Promise<boolean> {
  const pid = await readShimPid(stateDir);
  if (pid === undefined) return false;
  try {
    const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0] ?? '';
    return path.basename(argv0) === 'berth-shim';
  } catch {
    return false;
  }
}
