import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { PortConfig, Project, ServiceConfig, ServiceVolumeConfig } from '../../compose/model.js';
import { parsePortSpec } from '../../compose/transforms/ports.js';
import { definedEnv } from '../../compose/transforms/transform.js';
import { parseVolumeSpec } from '../../compose/transforms/volumes.js';
import { BerthError } from '../../errors.js';
import { reconcile } from '../../plan/reconcile.js';
import { forwardStdin, pipeContainerOutput } from '../container/attach-io.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan } from './context.js';
import type { RunFlags } from './run.js';

// `berth run`'s implementation, loaded by its action on first use (see run.ts for the flags).

export async function run(cmd: Command, service: string, command: string[], flags: RunFlags): Promise<number> {
  const ctx = await composeContext(cmd, { services: [service] });
  const project = requireProject(ctx);
  const base = project.services[service];
  if (!base) throw new BerthError('not_found', `no such service: ${service}`);
  const tty = flags.tty !== false && process.stdin.isTTY === true && !flags.detach;
  // Compose's run keeps stdin open by default (-i), so `echo hi | berth run -T app cat` works.
  const interactive = flags.interactive !== false && !flags.detach;
  const name = flags.name ?? `${project.name}-${service}-run-${randomBytes(6).toString('hex')}`;
  const oneoff: ServiceConfig = {
    ...base,
    command: command.length ? command : base.command,
    ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint.split(/\s+/).filter(Boolean) } : {}),
    environment: { ...(base.environment ?? {}), ...envOf(flags.env) },
    volumes: [...(base.volumes ?? []), ...(flags.volume ?? []).map((v) => volumeOf(v, project, ctx.workingDir, ctx.projectEnv))],
    ports: [...(flags.servicePorts ? (base.ports ?? []) : []), ...(flags.publish ?? []).flatMap(portsOf)],
    labels: { ...(base.labels ?? {}), ...envOf(flags.label) } as Record<string, string>,
    tty,
    stdin_open: interactive,
    restart: 'no',
    ...(flags.user ? { user: flags.user } : {}),
    ...(flags.workdir ? { working_dir: flags.workdir } : {}),
  };
  delete oneoff.container_name;
  const runProject: Project = { ...project, services: { ...project.services, [service]: oneoff } };
  const observed = await observeProject(ctx);
  const plan = reconcile(runProject, observed, {
    ...reconcileBase(ctx),
    services: [service],
    noDeps: flags.deps === false,
    oneoff: { service, name, useAliases: flags.useAliases === true },
  });
  await runPlan(ctx, plan);

  const containers = ctx.api.containers;
  if (flags.detach) {
    await containers.start(name);
    process.stdout.write(`${name}\n`);
    return 0;
  }
  const { socket, head } = await containers.attach(name, { stdin: interactive });
  const output = pipeContainerOutput(socket, head, tty);
  const stopStdin = interactive ? forwardStdin(socket, tty) : () => undefined;
  const exit = containers.wait(name, 'next-exit');
  try {
    await containers.start(name);
    const code = await exit;
    await output;
    return code;
  } finally {
    stopStdin();
    socket.destroy();
    if (flags.rm) await containers.remove(name, { force: true, volumes: true }).catch(() => undefined);
  }
}

function envOf(entries: string[] | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const e of entries ?? []) {
    const eq = e.indexOf('=');
    if (eq < 0) out[e] = process.env[e] ?? null;
    else out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

/** `-v SRC:DST[:OPTS]` as a short `volumes:` entry reads (a path binds, relative to the project; a name is a volume). */
function volumeOf(spec: string, project: Project, workingDir: string, env: NodeJS.ProcessEnv): ServiceVolumeConfig {
  // The normalizer's own entry for a short volume (an untyped record of ServiceVolumeConfig's shape, which bind() types for a whole project).
  return parseVolumeSpec(spec, ['--volume'], { projectName: project.name, projectDirectory: workingDir, env: definedEnv(env) }) as unknown as ServiceVolumeConfig;
}

/** `-p [[IP:]HOST:]CONTAINER[/proto]` as a short `ports:` entry reads (a range is one entry per port). */
function portsOf(spec: string): PortConfig[] {
  return parsePortSpec(spec, ['--publish']);
}
