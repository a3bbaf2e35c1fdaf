import type { Command } from 'commander';
import { forwardStdin, pipeContainerOutput } from '../container/attach-io.js';
import { composeContext } from './context.js';
import { serviceContainer } from './find-container.js';
import type { ExecFlags } from './exec.js';
import { replicaIndex } from './options.js';

// The implementation of `berth exec`, loaded by its action on first use (flags in exec.ts).

export async function runExec(service: string, command: string[], flags: ExecFlags, cmd: Command): Promise<number> {
  const index = replicaIndex(flags.index);
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
}
