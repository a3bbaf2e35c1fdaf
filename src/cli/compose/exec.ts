import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { action } from '../command-adapter.js';
import { forwardStdin, pipeContainerOutput } from '../container/attach-io.js';
import { composeContext } from './context.js';
import { serviceContainer } from './find-container.js';
import { collect } from './options.js';

// `berth exec SERVICE COMMAND...`: run a command in a service's running container.
// A TTY by default when stdin is one (-T disables it); the exit code is the command's.

interface ExecFlags {
  detach?: boolean;
  noTty?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  index: string;
  privileged?: boolean;
}

export function registerExec(parent: Command): void {
  parent
    .command('exec')
    .description('Execute a command in a running container')
    .argument('<service>')
    .argument('<command...>')
    .option('-d, --detach', 'detached mode: run command in the background')
    .option('-T, --no-tty', 'disable pseudo-TTY allocation (by default a TTY is allocated when stdin is one)')
    .option('-u, --user <user>', 'run the command as this user')
    .option('-w, --workdir <dir>', 'path to workdir directory for this command')
    .option('-e, --env <KEY=VAL>', 'set environment variables', collect)
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .option('--privileged', 'give extended privileges to the process')
    .passThroughOptions()
    .action(action(async (service: string, command: string[], flags: ExecFlags, cmd: Command) => {
      const index = Number(flags.index);
      if (!Number.isInteger(index) || index < 1) throw new BerthError('usage', `invalid --index ${flags.index}`);
      const ctx = await composeContext(cmd, { projectOptional: true });
      const c = await serviceContainer(ctx, service, index);
      const tty = flags.tty !== false && process.stdin.isTTY === true;
      const interactive = process.stdin.isTTY === true && !flags.detach;
      const id = await ctx.api.exec.create(c.id, {
        Cmd: command,
        ...(flags.env?.length ? { Env: flags.env } : {}),
        ...(flags.user ? { User: flags.user } : {}),
        ...(flags.workdir ? { WorkingDir: flags.workdir } : {}),
        Tty: tty,
        Privileged: flags.privileged === true,
        AttachStdin: interactive,
        AttachStdout: !flags.detach,
        AttachStderr: !flags.detach,
      });
      if (flags.detach) {
        await ctx.api.exec.startDetached(id);
        return 0;
      }
      const { socket, head } = await ctx.api.exec.startHijacked(id, tty);
      const stopStdin = interactive ? forwardStdin(socket, tty) : () => undefined;
      await pipeContainerOutput(socket, head, tty);
      stopStdin();
      // The stream can end a moment before the engine records the exit: ask until it has.
      let info = await ctx.api.exec.inspect(id);
      for (const deadline = Date.now() + 5000; (info.Running || info.ExitCode === null) && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 20));
        info = await ctx.api.exec.inspect(id);
      }
      return info.ExitCode ?? 0;
    }));
}
