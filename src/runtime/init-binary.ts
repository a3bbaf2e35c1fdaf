// The tiny init that runs as pid 1 for `init: true` (Docker's --init): it reaps zombies
// and forwards signals to the container's command. berth's own is berth-init
// (src/runtime/core/init.c, built with berth-core into dist/native/); a host's static tini
// (Debian's tini-static, which Docker bind-mounts as docker-init) is only the fallback for
// an installation whose native build has no berth-init. Static matters: the binary runs
// inside an image that may have no libc.
import { realpathSync, statSync } from 'node:fs';
import { nativeBinary } from '../config/paths.js';
import type { InitBinary } from './spec.js';
import { INIT_DESTINATION } from './spec.js';

export const HOST_INIT_CANDIDATES: readonly string[] = ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/libexec/docker/docker-init', '/usr/local/bin/tini-static'];

export interface InitLookup {
  /** berth's own init (default: dist/native/berth-init). */
  builtInit?: string;
  /** Static tinis on the host, tried in order when there is no berth-init. */
  hostCandidates?: readonly string[];
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * BERTH_INIT_PATH when set, else berth-init, else a static tini from the host; undefined
 * when there is none (buildSpec then refuses `init: true`). berth-init and tini take the
 * same command line: `init -- cmd args...` (tini's -s is not needed as pid 1).
 */
export function findInitBinary(env: NodeJS.ProcessEnv = process.env, lookup: InitLookup = {}): InitBinary | undefined {
  const explicit = env.BERTH_INIT_PATH;
  const candidates = explicit !== undefined && explicit !== '' ? [explicit] : [lookup.builtInit ?? nativeBinary('berth-init'), ...(lookup.hostCandidates ?? HOST_INIT_CANDIDATES)];
  const found = candidates.find(isFile);
  if (found === undefined) return undefined;
  return { hostPath: realpathSync(found), argvPrefix: [INIT_DESTINATION, '--'] };
}
