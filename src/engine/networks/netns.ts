import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isMountedAt } from '../../runtime/mountinfo.js';
import { Coalescer } from '../coalescer.js';
import { hostIpBatch, ipBatch, run, runRaw } from './exec.js';
import { toolPath } from '../spawn-server.js';
import { nativeBinary } from '../../config/paths.js';
import { bareLines, hostLines, namespaceLines, netcfgLink, pooledLines, type BareVeth, type LinkPlan } from './sandbox-links.js';

// A sandbox is a network namespace kept alive by a bind mount of its nsfs file on
// <runDir>/netns/<containerId>. `unshare --net=<file> <cmd>` creates the namespace,
// binds it and runs <cmd> inside it, all in one process: the namespace-side setup
// (lo, eth0, addresses, routes) is that command, so a sandbox costs few spawns.

export async function createNetns(file: string, inside: string[], stdin: string): Promise<void> {
  await prepareNetnsFile(file);
  await run('unshare', [`--net=${file}`, ...absolute(inside)], stdin);
}

/** An empty file to bind a namespace on (a namespace a crash left there is unmounted first). */
async function prepareNetnsFile(file: string): Promise<void> {
  // Sync calls: small, and not queued behind other containers' thread-pool work.
  mkdirSync(path.dirname(file), { recursive: true });
  let fresh = true;
  try {
    writeFileSync(file, '', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fresh = false;
  }
  // A file left by a crash may still hold an old namespace: unmount it rather than
  // stacking a second mount that a later removal would not see.
  if (!fresh && isMounted(file, readFileSync('/proc/self/mountinfo', 'utf8'))) await run('umount', [file]);
}

/**
 * A new sandbox namespace bound on `file`: lo up, and a veth pair per link, each inside end
 * an endpoint (`LinkPlan`) or bare and down (`BareVeth`, for the pool), each host end on its
 * bridge and up. What is made before a failure stays: the caller releases the file and veths.
 */
export async function createSandboxNetns(file: string, links: LinkPlan[] | BareVeth[]): Promise<void> {
  const bin = netcfgBinary();
  if (bin) {
    await prepareNetnsFile(file);
    await run(bin, ['make', file, ...links.map(netcfgLink)]);
    return;
  }
  const inside = areEndpoints(links) ? namespaceLines(links, process.pid, true) : ['link set lo up', ...links.flatMap((l) => bareLines(l, process.pid))];
  await createNetns(file, ['ip', '-batch', '-'], inside.join('\n') + '\n');
  await hostIpBatch(hostLines(links));
}

function areEndpoints(links: LinkPlan[] | BareVeth[]): links is LinkPlan[] {
  return links.every((l) => 'mac' in l);
}

/** More endpoints in an existing sandbox (network connect), as createSandboxNetns makes them. */
export async function addSandboxLinks(file: string, links: LinkPlan[]): Promise<void> {
  const bin = netcfgBinary();
  if (bin) {
    await run(bin, ['join', file, ...links.map(netcfgLink)]);
    return;
  }
  await inNetns(file, ['ip', '-batch', '-'], namespaceLines(links, process.pid, false).join('\n') + '\n');
  await hostIpBatch(hostLines(links));
}

/** Run a command inside an existing sandbox's namespace. */
export async function inNetns(file: string, cmd: string[], stdin: string): Promise<string> {
  return run('nsenter', [`--net=${file}`, ...absolute(cmd)], stdin);
}

/** The inner command by its absolute path too (unshare and nsenter would walk PATH for it). */
function absolute([cmd, ...args]: string[]): string[] {
  return cmd === undefined ? [] : [toolPath(cmd), ...args];
}

// berth-netcfg (src/runtime/core/netcfg.c) makes the same netlink requests as `ip` would, in
// one static process: unshare + ip + ip (a new sandbox) or nsenter + ip (a pooled one) are two
// or three dynamically linked ones: ~10 ms of CPU more per sandbox here, and ~2 ms more on a
// start's critical path. Without it (not built) the tools do it.
// BERTH_NETCFG=0 uses the tools even so (to compare, and to test that way).
let netcfg: string | null | undefined;
function netcfgBinary(): string | null {
  if (process.env.BERTH_NETCFG === '0') return null;
  if (netcfg === undefined) {
    const file = path.join(path.dirname(nativeBinary('berth-core')), 'berth-netcfg');
    netcfg = existsSync(file) ? file : null;
  }
  return netcfg;
}

/** A pooled namespace's eth0 (down, no address) gets the endpoint: MAC, address, up, default route. */
export async function configurePooled(file: string, l: LinkPlan): Promise<void> {
  const bin = netcfgBinary();
  if (!bin) {
    await inNetns(file, ['ip', '-batch', '-'], pooledLines(l).join('\n') + '\n');
    return;
  }
  await run(bin, [file, l.ifname, l.mac, l.cidr, ...(l.defaultGateway ? [l.defaultGateway] : [])]);
}

export function isMounted(file: string, mountinfo: string): boolean {
  return isMountedAt(mountinfo, file);
}

// Sandboxes removed together share one `umount a b c ...`; umount names each target
// it could not unmount on stderr.
const unmounter = new Coalescer<string>(async (files) => {
  const r = await runRaw('umount', files);
  if (r.code === 0) return files.map(() => undefined);
  return files.map((f) => (r.stderr.includes(`${f}:`) ? new Error(r.stderr.trim()) : undefined));
});

export async function removeNetns(file: string): Promise<void> {
  try {
    await unmounter.submit(file);
  } catch {
    // not mounted (never created, or already removed); a busy mount goes lazily
    await run('umount', ['--lazy', file]).catch(() => undefined);
  }
  await rm(file, { force: true });
}

// A namespace ends once its last bind mount is gone and no process is left in it; the
// kernel then destroys its devices, the veth pairs with their host ends included, in one
// batch for all the namespaces ending at that moment (cleanup_net: a grace period or two
// for all of them). Measured here: 30 sandboxes' host veths gone ~15 ms after one `umount`
// of their 30 files, against ~100–140 ms for 30 concurrent `ip link del` (31 processes) and
// ~630 ms for one `ip -batch` of 30 deletions (one grace period per device, in series).
// A namespace still held (a process of another container that joined it) keeps its
// devices: the host ends still there after VETH_WAIT_MS are deleted explicitly.
export const VETH_WAIT_MS = 1000;
const POLL_MS = 5;

/** Unmount and delete a sandbox's namespace file; its host veths are gone when this resolves. */
export async function releaseNetns(file: string, hostVeths: string[], waitMs = VETH_WAIT_MS): Promise<void> {
  await removeNetns(file);
  const left = await whenGone(hostVeths, waitMs);
  if (left.length > 0) await deleteLinks(left);
}

/** Delete links (missing ones are fine). */
export async function deleteLinks(names: string[]): Promise<void> {
  await ipBatch(names.map((n) => `link del ${n}`), { force: true }).catch(() => undefined);
}

// One timer polls /sys/class/net for every link waited for (a stat each, a few µs).
const waiting = new Map<string, { until: number; done: (gone: boolean) => void }[]>();
let poller: NodeJS.Timeout | undefined;

function linkPresent(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Resolves with the links still present after `ms`. */
export async function whenGone(names: string[], ms: number): Promise<string[]> {
  const results = await Promise.all(
    names.map(
      (name) =>
        new Promise<boolean>((done) => {
          if (!linkPresent(name)) return done(true);
          const list = waiting.get(name) ?? [];
          list.push({ until: performance.now() + ms, done });
          waiting.set(name, list);
          poller ??= setInterval(poll, POLL_MS);
        }),
    ),
  );
  return names.filter((_, i) => !results[i]);
}

function poll(): void {
  const now = performance.now();
  for (const [name, list] of waiting) {
    if (!linkPresent(name)) {
      waiting.delete(name);
      for (const w of list) w.done(true);
      continue;
    }
    const late = list.filter((w) => w.until <= now);
    if (late.length === 0) continue;
    const rest = list.filter((w) => w.until > now);
    if (rest.length > 0) waiting.set(name, rest);
    else waiting.delete(name);
    for (const w of late) w.done(false);
  }
  if (waiting.size === 0) {
    clearInterval(poller);
    poller = undefined;
  }
}
