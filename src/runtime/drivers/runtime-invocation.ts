// How to run one OCI runtime's CLI: the file to execute and the arguments that go before
// the verb (a wrapper, and the global --root flag). The same invocation is handed to the
// shim as --runtime/--runtime-arg, so create and every later verb see the same state root.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unavailable } from '../../errors.js';
import { nativeBinary } from '../../config/paths.js';

export type RuntimeName = 'berth-core' | 'runc' | 'crun';
export const RUNTIME_NAMES: readonly RuntimeName[] = ['berth-core', 'runc', 'crun'];

export interface RuntimeInvocation {
  name: RuntimeName;
  /** The runtime binary itself (for messages). */
  binary: string;
  /** What is executed: the binary, or a wrapper that ends by exec'ing it. */
  file: string;
  /** Arguments before the verb: wrapper arguments, then the runtime's global flags. */
  prefix: string[];
}

const UNIFIED = '/sys/fs/cgroup/unified';

/** A cgroup2 mount at /sys/fs/cgroup/unified next to v1 controllers: systemd's "hybrid" layout. */
export function isHybridCgroupHost(mountinfo = readMountinfo()): boolean {
  return mountinfo.split('\n').some((line) => {
    const f = line.split(' ');
    return f[4] === UNIFIED && f[f.indexOf('-') + 1] === 'cgroup2';
  });
}

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

/** First executable named `name` on PATH (plus the sbin dirs, which root's PATH may lack). */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function resolveRuntimeBinary(name: RuntimeName, env: NodeJS.ProcessEnv = process.env): string {
  if (name === 'berth-core') {
    const bin = env.BERTH_CORE_PATH ?? nativeBinary('berth-core');
    if (!existsSync(bin)) throw unavailable(`runtime berth-core: ${bin} is not built (run \`npm run build\`), or choose another runtime with BERTH_RUNTIME=runc|crun`);
    return bin;
  }
  const bin = findOnPath(name, env);
  if (!bin) throw unavailable(`runtime ${name}: not found on PATH (apt-get install ${name}), or choose another runtime with BERTH_RUNTIME`);
  return bin;
}

/**
 * crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported"). It is content
 * with a pure v1 view, so each crun call runs in a private mount namespace where the
 * cgroup2 mount is gone; the host's mounts are untouched, and the container inherits that
 * view (it has its own mount namespace anyway).
 */
function crunWrapper(binary: string, root: string): Pick<RuntimeInvocation, 'file' | 'prefix'> {
  const unshare = findOnPath('unshare');
  if (!unshare) throw unavailable('runtime crun on a hybrid cgroup host needs unshare(1) (util-linux)');
  return {
    file: unshare,
    prefix: ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', `umount ${UNIFIED} 2>/dev/null; exec "$@"`, 'sh', binary, '--root', root],
  };
}

export function runtimeInvocation(name: RuntimeName, stateRoot: string, opts: { binary?: string; hybrid?: boolean; env?: NodeJS.ProcessEnv } = {}): RuntimeInvocation {
  const binary = opts.binary ?? resolveRuntimeBinary(name, opts.env);
  // One --root per runtime: their state formats differ, so they must never share a dir.
  const root = path.join(stateRoot, name);
  if (name === 'crun' && (opts.hybrid ?? isHybridCgroupHost())) return { name, binary, ...crunWrapper(binary, root) };
  return { name, binary, file: binary, prefix: ['--root', root] };
}
