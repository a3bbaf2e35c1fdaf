import type { Command } from 'commander';
import { reconcile } from '../../plan/reconcile.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan } from './context.js';

// The implementation of `berth start`, loaded by its action on first use (flags in start.ts).

export async function runStart(services: string[], flags: { wait?: boolean }, cmd: Command): Promise<number> {
  const ctx = await composeContext(cmd, { services });
  const project = requireProject(ctx);
  const observed = await observeProject(ctx);
  if (observed.containers.length === 0) {
    process.stderr.write(`no container found for project "${ctx.projectName}": run \`berth up\` first\n`);
    return 1;
  }
  const plan = reconcile(project, observed, { ...reconcileBase(ctx), services, create: false, recreate: 'never', wait: flags.wait === true });
  await runPlan(ctx, plan);
  return 0;
}
