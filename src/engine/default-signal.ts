import { execFileSync } from 'node:child_process';

// coreutils env(1) ≥ 8.31 resets signal dispositions before it execs (--default-signal).
// Found once; undefined when the host's env lacks it (berth-shim is then launched by
// node's spawn, which resets them itself).

let found: string | undefined | null = null;

export function envWithDefaultSignal(): string | undefined {
  if (found !== null) return found;
  found = undefined;
  for (const env of ['/usr/bin/env', '/bin/env']) {
    try {
      execFileSync(env, ['--default-signal', 'true'], { stdio: 'ignore', timeout: 2000 });
      found = env;
      break;
    } catch {
      // missing, or an env without the option
    }
  }
  return found;
}
