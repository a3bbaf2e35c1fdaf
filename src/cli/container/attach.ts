import { type Command, Option } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';

// `berth container attach`: docker attach — the running container's live output (stdout and
// stderr apart unless it has a TTY), our stdin to it when it was created with -i, our
// terminal's size to its TTY; once the output ends, the container's exit code (waiting for
// it to stop, as docker does).
export function registerAttach(group: Command): void {
  group
    .command('attach')
    .description("Attach local standard input, output, and error streams to a running container")
    .argument('<container>')
    .option('--no-stdin', 'do not attach STDIN')
    .option('--sig-proxy', 'proxy received signals to the process (non-TTY only; default true, --sig-proxy=false to keep them)')
    .addOption(new Option('--no-sig-proxy').hideHelp())
    .option('--detach-keys <string>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")')
    .action(
      action(async (ref: string, opts: { stdin: boolean; sigProxy?: boolean; detachKeys?: string }, cmd: Command) => {
        const { DEFAULT_DETACH_KEYS, parseDetachKeys } = await import('./detach-keys.js');
        const keys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
        const client = await engineFor(cmd);
        const { BerthError } = await import('../../errors.js');
        const info = await client.request<{ Id: string; Config: { Tty: boolean; OpenStdin: boolean }; State: { Running: boolean; Paused: boolean; Restarting: boolean } }>('GET', `/containers/${encodeURIComponent(ref)}/json`);
        if (info.State.Paused) throw new BerthError('conflict', 'You cannot attach to a paused container, unpause it first');
        if (!info.State.Running && !info.State.Restarting) throw new BerthError('conflict', 'You cannot attach to a stopped container, start it first');
        const tty = info.Config.Tty;
        const withStdin = opts.stdin && info.Config.OpenStdin;
        const id = info.Id;
        const [{ attachSession, followTerminalSize }, { socket, head }] = await Promise.all([
          import('./attach-io.js'),
          client.hijack('POST', `/containers/${id}/attach`, { query: { stream: 1, stdout: 1, stderr: 1, stdin: withStdin ? 1 : 0 } }),
        ]);
        const session = attachSession(socket, head, {
          tty,
          stdin: withStdin,
          keys,
          sigProxy: opts.sigProxy !== false,
          kill: (signal) => client.request('POST', `/containers/${id}/kill`, { query: { signal } }),
        });
        session.running();
        const stopResize = tty ? followTerminalSize((h, w) => client.request('POST', `/containers/${id}/resize`, { query: { h, w } })) : () => undefined;
        const how = await Promise.race([session.output.then(() => 'ended' as const), session.detached.then(() => 'detached' as const)]);
        session.end();
        stopResize();
        // Detached: the container runs on.
        if (how === 'detached') {
          socket.destroy();
          return 0;
        }
        // As docker attach: then wait for the container to stop, and exit with its code.
        const waited = await client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'not-running' } });
        return waited.StatusCode;
      }),
    );
}
