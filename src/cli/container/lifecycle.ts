import type { Command } from 'commander';
import { action, allowPromptExit } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import type { EngineClient } from '../../client/engine-client.js';
import { forEachTarget } from '../for-each-target.js';

// The verbs that take a list of containers and make one call each: docker prints each
// name it handled on stdout, each failure on stderr, and exits 1 if any failed.

interface Verb {
  name: string;
  description: string;
  options?: (cmd: Command) => Command;
  call: (client: EngineClient, id: string, opts: Record<string, unknown>) => Promise<unknown>;
  /** With these flags the verb attaches to one container instead (start -a / -i: start-attached.ts). */
  attached?: (opts: Record<string, unknown>) => boolean;
}

const verbs: Verb[] = [
  {
    name: 'start',
    description: 'Start one or more stopped containers',
    options: (cmd) =>
      cmd
        .option('-a, --attach', "attach STDOUT/STDERR and show the container's output until it exits")
        .option('-i, --interactive', "attach the container's STDIN")
        .option('--detach-keys <string>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")'),
    call: (c, id) => c.request('POST', `/containers/${encodeURIComponent(id)}/start`),
    attached: (o) => o.attach === true || o.interactive === true,
  },
  {
    name: 'stop',
    description: 'Stop one or more running containers',
    options: (cmd) => cmd.option('-t, --time <seconds>', 'seconds to wait before killing the container').option('-s, --signal <signal>', 'signal to send to the container'),
    call: (c, id, o) => c.request('POST', `/containers/${encodeURIComponent(id)}/stop`, { query: { t: o.time as string | undefined, signal: o.signal as string | undefined } }),
  },
  {
    name: 'restart',
    description: 'Restart one or more containers',
    options: (cmd) => cmd.option('-t, --time <seconds>', 'seconds to wait before killing the container').option('-s, --signal <signal>', 'signal to send to the container'),
    call: (c, id, o) => c.request('POST', `/containers/${encodeURIComponent(id)}/restart`, { query: { t: o.time as string | undefined, signal: o.signal as string | undefined } }),
  },
  {
    name: 'kill',
    description: 'Kill one or more running containers',
    options: (cmd) => cmd.option('-s, --signal <signal>', 'signal to send to the container', 'KILL'),
    call: (c, id, o) => c.request('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal: o.signal as string } }),
  },
  {
    name: 'rm',
    description: 'Remove one or more containers',
    options: (cmd) => cmd.option('-f, --force', 'force the removal of a running container (uses SIGKILL)').option('-v, --volumes', 'remove anonymous volumes associated with the container'),
    call: (c, id, o) => c.request('DELETE', `/containers/${encodeURIComponent(id)}`, { query: { force: o.force === true, v: o.volumes === true } }),
  },
  {
    name: 'pause',
    description: 'Pause all processes within one or more containers',
    call: (c, id) => c.request('POST', `/containers/${encodeURIComponent(id)}/pause`),
  },
  {
    name: 'unpause',
    description: 'Unpause all processes within one or more containers',
    call: (c, id) => c.request('POST', `/containers/${encodeURIComponent(id)}/unpause`),
  },
];

export function registerLifecycle(group: Command): void {
  for (const verb of verbs) {
    const cmd = group.command(verb.name).description(verb.description).argument('<container...>');
    (verb.options ? verb.options(cmd) : cmd).action(
      action(async (ids: string[], opts: Record<string, unknown>, self: Command) => {
        // One awaited call per container (or one attached start): nothing runs on after.
        allowPromptExit();
        const client = await engineFor(self);
        if (verb.attached?.(opts)) return (await import('./start-attached.js')).startAttached(client, ids, opts);
        return forEachTarget(ids, (id) => verb.call(client, id, opts));
      }),
    );
  }
}
