import type { Command } from 'commander';
import { BerthError, isBerthError } from '../../errors.js';
import { planSimple, planStop } from '../../plan/lifecycle.js';
import { renderPlan } from '../../plan/plan.js';
import { reconcile, type ReconcileOptions } from '../../plan/reconcile.js';
import { ProjectAttacher, type AttachTarget } from './attach-project.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan, type ComposeContext } from './context.js';
import { Interrupts } from './interrupt.js';
import { LogPrinter, logPrefix, useColor } from './log-printer.js';
import { parseScale, seconds } from './options.js';
import type { UpFlags } from './up.js';

// `berth up`'s implementation, loaded by its action on first use (see up.ts for the flags).

/** After the stop: how long the containers' last output may take to arrive (it ends with them, in ms). */
const DRAIN_MS = 2000;

export async function up(cmd: Command, services: string[], flags: UpFlags): Promise<number> {
  const abortOnExit = flags.abortOnContainerExit === true || flags.exitCodeFrom !== undefined;
  const detach = flags.detach === true || flags.wait === true;
  if (detach && (abortOnExit || flags.abortOnContainerFailure)) throw new BerthError('usage', '--abort-on-container-exit and --abort-on-container-failure are incompatible with --detach and --wait');
  if (flags.forceRecreate && flags.recreate === false) throw new BerthError('usage', '--force-recreate and --no-recreate are incompatible');
  const timeout = seconds(flags.timeout);
  const waitTimeout = seconds(flags.waitTimeout, '--wait-timeout');

  const ctx = await composeContext(cmd, { services, observe: true });
  const project = requireProject(ctx);
  if (flags.exitCodeFrom !== undefined && !project.services[flags.exitCodeFrom]) throw new BerthError('not_found', `no such service: ${flags.exitCodeFrom}`);
  const observed = await observeProject(ctx);
  const options: ReconcileOptions = {
    ...reconcileBase(ctx),
    services,
    noDeps: flags.deps === false,
    recreate: flags.forceRecreate ? 'force' : flags.recreate === false ? 'never' : 'diverged',
    start: flags.start !== false,
    scale: parseScale(flags.scale),
    removeOrphans: flags.removeOrphans === true || process.env.COMPOSE_REMOVE_ORPHANS === 'true',
    wait: flags.wait === true,
    renewAnonVolumes: flags.renewAnonVolumes === true,
    ...(timeout !== undefined ? { timeout } : {}),
    ...(flags.pull ? { pull: flags.pull } : {}),
  };
  const plan = reconcile(project, observed, options);
  if (flags.dryRun) {
    process.stdout.write(renderPlan(plan));
    return 0;
  }
  const interrupts = new Interrupts();
  try {
    if (detach || flags.start === false) {
      const signal = waitTimeout ? AbortSignal.any([interrupts.graceful.signal, AbortSignal.timeout(waitTimeout * 1000)]) : interrupts.graceful.signal;
      try {
        await runPlan(ctx, plan, { signal });
      } catch (err) {
        if (isBerthError(err) && err.code === 'canceled' && !interrupts.graceful.signal.aborted && waitTimeout) {
          throw new BerthError('failed_precondition', `application not healthy after ${waitTimeout}s`);
        }
        throw err;
      }
      return 0;
    }
    return await foreground(ctx, services, flags, plan, interrupts, timeout, abortOnExit);
  } finally {
    interrupts.dispose();
  }
}

async function foreground(
  ctx: ComposeContext,
  services: string[],
  flags: UpFlags,
  plan: ReturnType<typeof reconcile>,
  interrupts: Interrupts,
  timeout: number | undefined,
  abortOnExit: boolean,
): Promise<number> {
  const project = requireProject(ctx);
  const printer = new LogPrinter({ color: useColor(ctx.globals.ansi, flags.color === false), prefix: flags.logPrefix !== false, timestamps: flags.timestamps === true });
  const shown = (service: string) =>
    (flags.attach?.length ? flags.attach.includes(service) : project.services[service]?.attach !== false) && !(flags.noAttach ?? []).includes(service);
  let exitCode: number | undefined;
  const stopAll = new AbortController();
  const attacher = new ProjectAttacher(ctx.api, printer, (target: AttachTarget, code: number) => {
    const from = flags.exitCodeFrom;
    if (from !== undefined) {
      if (target.service === from) exitCode ??= code;
      if (abortOnExit) stopAll.abort();
      return;
    }
    if (abortOnExit || (flags.abortOnContainerFailure && code !== 0)) {
      exitCode ??= code;
      stopAll.abort();
    }
  });
  const targetOf = (name: string): AttachTarget | undefined => {
    const c = /^(.*)-(\d+)$/.exec(name);
    for (const [service, svc] of Object.entries(project.services)) {
      if (svc.container_name === name) return { name, service, prefix: service };
      if (c && name === `${project.name}-${service}-${c[2]}`) return { name, service, prefix: logPrefix(service, Number(c[2]), name, false) };
    }
    return undefined;
  };

  // Attach as containers start, so the first lines are not lost; while a tty progress
  // display owns stderr's screen, hold the lines and print them once it is done.
  const upStarted = Math.floor(Date.now() / 1000);
  const ttyProgress = process.stderr.isTTY === true && (ctx.globals.progress === 'tty' || (ctx.globals.progress ?? 'auto') === 'auto') && ctx.globals.ansi !== 'never';
  if (ttyProgress) printer.hold();
  try {
    await runPlan(ctx, plan, {
      signal: interrupts.graceful.signal,
      onEvent: (e) => {
        if (e.type !== 'Container' || e.status !== 'Started') return;
        const t = targetOf(e.name);
        if (t && shown(t.service)) attacher.attach(t, String(upStarted));
      },
    });
  } catch (err) {
    if (!interrupts.graceful.signal.aborted) {
      attacher.stop();
      printer.release();
      throw err;
    }
  }
  printer.release();
  // Containers that were already running: show what they print from now on.
  if (!interrupts.graceful.signal.aborted) {
    const now = await observeProject(ctx);
    const selected = new Set(services.length ? services : Object.keys(project.services));
    for (const c of now.containers) {
      if (c.oneoff || !project.services[c.service] || !shown(c.service) || (services.length && !selected.has(c.service))) continue;
      if (c.state === 'running') attacher.attach({ name: c.name, service: c.service, prefix: logPrefix(c.service, c.number, c.name, false) }, String(upStarted));
    }
    if (attacher.count > 0) process.stderr.write('Attaching to ' + [...new Set(now.containers.filter((c) => shown(c.service) && !c.oneoff).map((c) => logPrefix(c.service, c.number, c.name, false)))].join(', ') + '\n');
  }

  const interrupted = new Promise<'interrupt'>((resolve) => interrupts.graceful.signal.addEventListener('abort', () => resolve('interrupt'), { once: true }));
  const aborted = new Promise<'abort'>((resolve) => stopAll.signal.addEventListener('abort', () => resolve('abort'), { once: true }));
  const outcome = await Promise.race([attacher.settled().then(() => 'done' as const), interrupted, aborted]);

  if (outcome === 'done') {
    attacher.stop();
    return exitCode ?? 0;
  }
  if (outcome === 'interrupt') process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
  else process.stderr.write('Aborting on container exit...\n');
  await stopProject(ctx, services, timeout, interrupts);
  await attacher.drain(DRAIN_MS, interrupts.forced.signal);
  attacher.stop();
  if (outcome === 'interrupt') return 130;
  if (flags.exitCodeFrom !== undefined && exitCode === undefined) {
    const now = await observeProject(ctx);
    const c = now.containers.find((x) => x.service === flags.exitCodeFrom && !x.oneoff);
    if (c) exitCode = (await ctx.api.containers.inspect(c.name)).State.ExitCode;
  }
  return exitCode ?? 0;
}

/** Graceful stop of the project's containers; a second Ctrl-C switches to kill. */
async function stopProject(ctx: ComposeContext, services: string[], timeout: number | undefined, interrupts: Interrupts): Promise<void> {
  const observed = await observeProject(ctx);
  const sel = { services };
  const stopping = runPlan(ctx, planStop(ctx.project, observed, sel, timeout), { signal: interrupts.forced.signal }).catch((err: unknown) => {
    if (!interrupts.forced.signal.aborted) throw err;
  });
  const forced = new Promise<void>((resolve) => interrupts.forced.signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([stopping, forced]);
  if (interrupts.forced.signal.aborted) {
    const now = await observeProject(ctx);
    // The user asked to quit: report a failed kill, but the exit stays the interrupt's (130).
    await runPlan(ctx, planSimple(now, sel, 'KillContainer')).catch((err: unknown) => {
      process.stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
}
