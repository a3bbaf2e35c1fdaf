import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../errors.js';
import { attachAndStart } from './attach-start.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';

// `berth container start -a|-i`, docker's: one container, its output shown (and stdin sent with
// -i, when the container keeps it open) until it exits; the exit status is the container's.

export interface StartAttachedFlags {
  attach?: boolean;
  interactive?: boolean;
  detachKeys?: string;
}

interface Inspected {
  Id: string;
  Config: { Tty: boolean; OpenStdin: boolean };
  HostConfig: { AutoRemove?: boolean };
}

export async function startAttached(client: EngineClient, ids: string[], flags: StartAttachedFlags): Promise<number> {
  if (ids.length !== 1) throw new BerthError('invalid', 'you cannot start and attach multiple containers at once');
  const keys = parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
  const c = await client.request<Inspected>('GET', `/containers/${encodeURIComponent(ids[0] ?? '')}/json`);
  // As run -it: a terminal's input that is not a terminal would never end the session.
  if (flags.interactive && c.Config.OpenStdin && c.Config.Tty && !process.stdin.isTTY) throw new BerthError('invalid', 'the input device is not a TTY');
  return attachAndStart(client, c.Id, {
    tty: c.Config.Tty,
    // As docker: stdin only for a container that keeps it open.
    interactive: flags.interactive === true && c.Config.OpenStdin,
    keys,
    condition: c.HostConfig.AutoRemove ? 'removed' : 'next-exit',
    // docker start -a always proxies signals (not with a TTY).
    sigProxy: true,
  });
}
