import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Shared pieces of the network integration tests: private state dirs, commands run
// inside a sandbox's namespace with busybox, long-running workloads, polling.

export interface TestDirs {
  root: string;
  runDir: string;
  cleanup(): void;
}

export function testDirs(): TestDirs {
  const base = mkdtempSync(path.join(tmpdir(), 'berth-net-'));
  return { root: path.join(base, 'root'), runDir: path.join(base, 'run'), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runIn(netns: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${netns}`, ...args], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const busybox = (netns: string, ...args: string[]) => runIn(netns, ['/bin/busybox', ...args]);

/** Addresses busybox nslookup printed for `name` (its answer section only). */
export async function lookup(netns: string, name: string, server: string): Promise<string[]> {
  const r = await busybox(netns, 'nslookup', '-type=a', name, server);
  const answer = r.stdout.split(/Name:\s+/).slice(1).join('\n');
  return [...answer.matchAll(/Address:\s+(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1] ?? '');
}

/** A long-running process inside a namespace; stop() kills exactly it. */
export function spawnIn(netns: string, args: string[]): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn('nsenter', [`--net=${netns}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function eth0Address(): string {
  const out = JSON.parse(execFileSync('ip', ['-4', '-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' })) as { addr_info: { local: string }[] }[];
  const addr = out[0]?.addr_info[0]?.local;
  if (!addr) throw new Error('eth0 has no IPv4 address');
  return addr;
}

export function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function nftTableExists(table: string): boolean {
  try {
    execFileSync('nft', ['list', 'table', 'ip', table], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A stand-in for a host beyond the uplink: a namespace behind a veth (bt-out-h) with
 * TEST-NET-2 addresses. Traffic to it leaves through a non-bridge interface, exactly
 * as traffic to the internet would, so outbound NAT applies; it never leaves the box.
 */
export function outsideHost(dir: string): { netns: string; hostIp: string; peerIp: string; cleanup(): void } {
  const netns = path.join(dir, 'outside-ns');
  writeFileSync(netns, '');
  execFileSync('unshare', [`--net=${netns}`, 'true']);
  try {
    execFileSync('ip', ['link', 'add', 'bt-out-h', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    execFileSync('ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'bt-out-h']);
    execFileSync('ip', ['link', 'set', 'bt-out-h', 'up']);
    execFileSync('nsenter', [`--net=${netns}`, 'ip', '-batch', '-'], { input: 'link set lo up\naddr add 198.51.100.2/24 dev eth0\nlink set eth0 up\n' });
  } catch (err) {
    execFileSync('umount', [netns]); // the namespace takes its end of the veth with it
    rmSync(netns, { force: true });
    throw err;
  }
  return {
    netns,
    hostIp: '198.51.100.1',
    peerIp: '198.51.100.2',
    cleanup: () => {
      try {
        execFileSync('ip', ['link', 'del', 'bt-out-h'], { stdio: 'ignore' });
      } catch {
        // already gone with its namespace
      }
      execFileSync('umount', [netns]);
      rmSync(netns, { force: true });
    },
  };
}

/** A node one-liner as a workload inside a namespace (servers that busybox lacks). */
export function nodeIn(netns: string, script: string) {
  return spawnIn(netns, [process.execPath, '-e', script]);
}

/** Run every cleanup step even when one fails; then report all failures together. */
export async function cleanupSteps(steps: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `cleanup failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
}
