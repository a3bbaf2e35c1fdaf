// What a restarted daemon needs to re-attach to a container: is its shim still there?
// A pid alone is not enough (pids are reused), so the process must also be a berth-shim.
import { readFileSync } from 'node:fs';
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

/** A zombie's cmdline is empty: a killed shim its parent has not reaped yet is not alive. */
const isShimCmdline = (cmdline: string): boolean => path.basename(cmdline.split('\0')[0] ?? '') === 'berth-shim';

export async function isShimAlive(stateDir: string): Promise<boolean> {
  const pid = await readShimPid(stateDir);
  if (pid === undefined) return false;
  try {
    return isShimCmdline(await readFile(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** isShimAlive without the thread pool; undefined when there is no shim.pid to judge by. */
export function isShimAliveSync(stateDir: string): boolean | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(stateDir, 'shim.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    return isShimCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}
