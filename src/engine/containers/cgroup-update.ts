import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { invalid } from '../../errors.js';
import type { HostConfig } from './model.js';
import { resourcesOf } from './start-container.js';

// POST /containers/:id/update on a running container: write the new limits into its
// cgroup (v1 controllers or the v2 unified tree), where the runtime put it: /berth/<id>.

const CG = '/sys/fs/cgroup';

/** The pids limit, or none ("max": PidsLimit 0 or -1, which dockerd keeps as null) where the controller is. */
function pidsMax(writes: [string, string][], file: string, limit: number | undefined): void {
  if (limit !== undefined) writes.push([file, String(limit)]);
  else if (existsSync(file)) writes.push([file, 'max']);
}

export async function rewriteCgroup(id: string, h: HostConfig): Promise<void> {
  const r = resourcesOf(h);
  const v2 = existsSync(path.join(CG, 'cgroup.controllers'));
  const writes: [string, string][] = [];
  const rel = path.join('berth', id);
  if (v2) {
    const dir = path.join(CG, rel);
    if (r.memory !== undefined) writes.push([path.join(dir, 'memory.max'), String(r.memory)]);
    if (r.memoryReservation !== undefined) writes.push([path.join(dir, 'memory.low'), String(r.memoryReservation)]);
    if (r.cpuQuota !== undefined || r.cpuPeriod !== undefined) writes.push([path.join(dir, 'cpu.max'), `${r.cpuQuota && r.cpuQuota > 0 ? r.cpuQuota : 'max'} ${r.cpuPeriod ?? 100000}`]);
    if (r.cpuShares !== undefined) writes.push([path.join(dir, 'cpu.weight'), String(Math.max(1, Math.min(10000, Math.round(1 + ((r.cpuShares - 2) * 9999) / 262142))))]);
    pidsMax(writes, path.join(dir, 'pids.max'), r.pidsLimit);
    if (r.cpusetCpus !== undefined) writes.push([path.join(dir, 'cpuset.cpus'), r.cpusetCpus]);
  } else {
    if (r.memory !== undefined) writes.push([path.join(CG, 'memory', rel, 'memory.limit_in_bytes'), String(r.memory)]);
    if (r.memoryReservation !== undefined) writes.push([path.join(CG, 'memory', rel, 'memory.soft_limit_in_bytes'), String(r.memoryReservation)]);
    if (r.cpuPeriod !== undefined) writes.push([path.join(CG, 'cpu', rel, 'cpu.cfs_period_us'), String(r.cpuPeriod)]);
    if (r.cpuQuota !== undefined) writes.push([path.join(CG, 'cpu', rel, 'cpu.cfs_quota_us'), String(r.cpuQuota)]);
    if (r.cpuShares !== undefined) writes.push([path.join(CG, 'cpu', rel, 'cpu.shares'), String(r.cpuShares)]);
    pidsMax(writes, path.join(CG, 'pids', rel, 'pids.max'), r.pidsLimit);
    if (r.cpusetCpus !== undefined) writes.push([path.join(CG, 'cpuset', rel, 'cpuset.cpus'), r.cpusetCpus]);
  }
  for (const [file, value] of writes) {
    try {
      await writeFile(file, value);
    } catch (err) {
      throw invalid(`cannot update ${path.basename(file)} to ${value}: ${(err as Error).message}`, err);
    }
  }
}
