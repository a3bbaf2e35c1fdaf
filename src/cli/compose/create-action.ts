import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { reconcile } from '../../plan/reconcile.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan } from './context.js';
import { parseScale } from './options.js';
import type { CreateFlags } from './create.js';

// The implementation of `berth create`, loaded by its action on first use (flags in create.ts).

export async function runCreate(services: string[], flags: CreateFlags, cmd: Command): Promise<number> {
  if (flags.forceRecreate && flags.recreate === false) throw new BerthError('usage', '--force-recreate and --no-recreate are incompatible');
  const ctx = await composeContext(cmd, { services });
  const project = requireProject(ctx);
  const observed = await observeProject(ctx);
  const plan = reconcile(project, observed, {
    ...reconcileBase(ctx),
    services,
    start: false,
    recreate: flags.forceRecreate ? 'force' : flags.recreate === false ? 'never' : 'diverged',
    removeOrphans: flags.removeOrphans === true,
    scale: parseScale(flags.scale),
    ...(flags.pull ? { pull: flags.pull } : {}),
  });
  await runPlan(ctx, plan);
  return 0;
}
