import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

// Host-state snapshot for integration tests. Each integration/e2e file calls
// useLeakCheck() at top level: the snapshot taken before the file's first test must equal
// the one after its last, or the file fails with the list of what it left behind.

export interface HostSnapshot {
  mounts: string[];
  links: string[];
  netns: string[];
  cgroups: string[];
  processes: string[];
  nftables: string[];
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function mounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length > 4)
    .map((f) => `${f[4]} (${f[f.indexOf('-') + 1] ?? '?'})`)
    .filter((m) => m.includes('berth') || m.includes(' (overlay)') || m.includes('/netns/'));
}

function links(): string[] {
  return run('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)[@:]/.exec(l)?.[1] ?? '')
    .filter((n) => n !== '' && n !== 'docker0')
    .filter((n) => /^(veth|br-|berth|bt)/.test(n));
}

function netns(): string[] {
  const dirs = ['/run/netns', '/run/berth/netns'];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((n) => path.join(d, n)) : []));
}

function cgroups(): string[] {
  const out: string[] = [];
  const roots = existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : [];
  for (const controller of roots) {
    for (const base of ['berth', 'berth-test']) {
      const dir = path.join('/sys/fs/cgroup', controller, base);
      if (!existsSync(dir)) continue;
      for (const child of readdirSync(dir, { withFileTypes: true })) {
        if (child.isDirectory()) out.push(path.join(dir, child.name));
      }
    }
  }
  return out;
}

function processes(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (/(^|\/)(berth-shim|berth-core|berthd)\b/.test(cmdline) || /dist\/daemon\/main\.js/.test(cmdline)) out.push(cmdline);
  }
  return out;
}

function nftables(): string[] {
  return run('nft', ['list', 'tables'])
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('berth'));
}

export function snapshotHost(): HostSnapshot {
  return { mounts: mounts(), links: links(), netns: netns(), cgroups: cgroups(), processes: processes(), nftables: nftables() };
}

export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): string[] {
  const leaks: string[] = [];
  for (const key of Object.keys(before) as (keyof HostSnapshot)[]) {
    const had = new Set(before[key]);
    for (const item of after[key]) if (!had.has(item)) leaks.push(`${key}: ${item}`);
  }
  return leaks;
}

/** Poll for a short while: teardown of links and processes is asynchronous in the kernel. */
export async function assertNoLeaks(before: HostSnapshot, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let leaks = diffSnapshots(before, snapshotHost());
  while (leaks.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    leaks = diffSnapshots(before, snapshotHost());
  }
  if (leaks.length > 0) throw new Error(`test file leaked host state:\n  ${leaks.join('\n  ')}`);
}

export function useLeakCheck(): void {
  let before: HostSnapshot;
  beforeAll(() => {
    before = snapshotHost();
  });
  afterAll(async () => {
    await assertNoLeaks(before);
  });
}
