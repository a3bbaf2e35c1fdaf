// The tiny init that runs as pid 1 for `init: true` (Docker's --init): it reaps zombies
// and forwards signals to the container's command. berth-core ships none, so this finds
// a static tini, which is what Docker itself bind-mounts (/usr/bin/docker-init is Debian's
// tini-static). Static matters: the binary runs inside an image that may have no libc.
import { existsSync, realpathSync } from 'node:fs';
import type { InitBinary } from './spec.js';
import { INIT_DESTINATION } from './spec.js';

const CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/libexec/docker/docker-init', '/usr/local/bin/tini-static'];

/** BERTH_INIT_PATH, else a static tini from the host; undefined when there is none. */
export function findInitBinary(env: NodeJS.ProcessEnv = process.env): InitBinary | undefined {
  const explicit = env.BERTH_INIT_PATH;
  const found = explicit !== undefined && explicit !== '' ? explicit : CANDIDATES.find((c) => existsSync(c));
  if (found === undefined || !existsSync(found)) return undefined;
  // tini: `tini -- cmd args...`; -s would make it a subreaper, not needed as pid 1.
  return { hostPath: realpathSync(found), argvPrefix: [INIT_DESTINATION, '--'] };
}
