import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { internal, invalid } from '../../errors.js';

// GET /containers/:id/top: `ps` on the host, rows kept for the pids in the container's
// cgroup (as dockerd does), {Titles, Processes}.

const CG = '/sys/fs/cgroup';

export async function containerPids(id: string): Promise<Set<number>> {
  const candidates = existsSync(`${CG}/cgroup.controllers`) ? [`${CG}/berth/${id}/cgroup.procs`] : [`${CG}/pids/berth/${id}/cgroup.procs`, `${CG}/memory/berth/${id}/cgroup.procs`, `${CG}/unified/berth/${id}/cgroup.procs`];
  for (const file of candidates) {
    try {
      const text = await readFile(file, 'utf8');
      return new Set(text.split('\n').filter(Boolean).map(Number));
    } catch {
      // try the next controller
    }
  }
  return new Set();
}

export async function top(id: string, psArgs: string, fallbackPid: number): Promise<{ Titles: string[]; Processes: string[][] }> {
  const args = psArgs.trim() === '' ? ['-ef'] : psArgs.trim().split(/\s+/);
  if (args.some((a) => !/^[-a-zA-Z0-9,=:%]+$/.test(a))) throw invalid(`invalid ps arguments: ${psArgs}`);
  const pids = await containerPids(id);
  if (pids.size === 0 && fallbackPid > 0) pids.add(fallbackPid);
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('ps', args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    // dockerd answers a ps that fails (bad ps_args) with a 500, as here.
    throw internal(`Error running ps: ${(err as Error).message}`, err);
  }
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift() ?? '';
  const titles = header.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw internal(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidCol]))) continue;
    // the last column (the command) keeps its spaces
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}
