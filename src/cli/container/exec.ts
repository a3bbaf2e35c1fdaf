import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';

const collect = (v: string, prev: string[]) => [...prev, v];

// `berth container exec`: exec create → start (hijacked) → inspect for the exit code.
export function registerExec(group: Command): void {
  group
    .command('exec')
    .description('Execute a command in a running container')
    .argument('<container>')
    .argument('<command...>')
    .option('-d, --detach', 'detached mode: run command in the background')
    .option('-e, --env <KEY=VALUE>', 'set environment variables', collect, [])
    .option('-i, --interactive', 'keep STDIN open even if not attached')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('-u, --user <user>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--privileged', 'give extended privileges to the command')
    .passThroughOptions()
    .action(
      action(async (id: string, command: string[], opts: { detach?: boolean; env: string[]; interactive?: boolean; tty?: boolean; user?: string; workdir?: string; privileged?: boolean }, cmd: Command) => {
        const tty = opts.tty === true;
        if (!opts.detach && tty && opts.interactive && !process.stdin.isTTY) throw new (await import('../../errors.js')).BerthError('invalid', 'the input device is not a TTY');
        const client = await engineFor(cmd);
        const created = await client.request<{ Id: string }>('POST', `/containers/${encodeURIComponent(id)}/exec`, {
          body: {
            Cmd: command,
            Env: opts.env,
            User: opts.user ?? '',
            WorkingDir: opts.workdir ?? '',
            Tty: tty,
            Privileged: opts.privileged === true,
            AttachStdin: opts.interactive === true,
            // the size from the start (berthd; dockerd reads it from API 1.42), then followed after the start
            ...(tty && process.stdout.isTTY && process.stdout.rows > 0 ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] } : {}),
            AttachStdout: !opts.detach,
            AttachStderr: !opts.detach,
          },
        });
        if (opts.detach) {
          await client.request('POST', `/exec/${created.Id}/start`, { body: { Detach: true, Tty: tty } });
          return 0;
        }
        const [{ followTerminalSize, forwardStdin, pipeContainerOutput }, { socket, head }] = await Promise.all([import('./attach-io.js'), client.hijack('POST', `/exec/${created.Id}/start`, { body: { Detach: false, Tty: tty } })]);
        const stopStdin = opts.interactive ? forwardStdin(socket, tty) : () => undefined;
        const stopResize = tty ? followTerminalSize((h, w) => client.request('POST', `/exec/${created.Id}/resize`, { query: { h, w } })) : () => undefined;
        await pipeContainerOutput(socket, head, tty);
        stopResize();
        stopStdin();
        const inspect = await client.request<{ ExitCode: number | null }>('GET', `/exec/${created.Id}/json`);
        return inspect.ExitCode ?? 0;
      }),
    );
}
