import path from 'node:path';

// Where berth keeps state. Environment variables win so tests and users can relocate
// everything (a test run uses a private BERTH_ROOT/BERTH_RUN and its own socket).
export interface BerthPaths {
  /** Persistent state: images, containers, volumes, networks. */
  root: string;
  /** Runtime state: sockets, pid files, runtime state dirs. */
  run: string;
  /** The daemon's socket path (from BERTH_HOST / --host, unix:// stripped). */
  socket: string;
}

export function berthPaths(env: NodeJS.ProcessEnv = process.env): BerthPaths {
  const root = env.BERTH_ROOT ?? '/var/lib/berth';
  const run = env.BERTH_RUN ?? '/run/berth';
  const host = env.BERTH_HOST;
  const socket = host ? socketFromHost(host) : path.join(run, 'berth.sock');
  return { root, run, socket };
}

export function socketFromHost(host: string): string {
  return host.startsWith('unix://') ? host.slice('unix://'.length) : host;
}

/** Directory of the installed package (for the native binaries and schemas). */
export function packageRoot(): string {
  // dist/config/paths.js or src/config/paths.ts → two levels up.
  return path.resolve(new URL('.', import.meta.url).pathname, '..', '..');
}

/** Path of a native binary built from src/runtime/core by scripts/build-native.mjs. */
export function nativeBinary(name: 'berth-core' | 'berth-shim' | 'berth-init'): string {
  return path.join(packageRoot(), 'dist', 'native', name);
}
