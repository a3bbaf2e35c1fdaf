import type { Command } from 'commander';
import { planDown } from '../../plan/lifecycle.js';
import { renderPlan } from '../../plan/plan.js';
import { composeContext, observeProject, runPlan } from './context.js';
import { seconds } from './options.js';
import type { DownFlags } from './down.js';

// The implementation of `berth down`, loaded by its action on first use (flags in down.ts).

export async function runDown(flags: DownFlags, cmd: Command): Promise<number> {
  const ctx = await composeContext(cmd, { projectOptional: true, observe: true });
  const observed = await observeProject(ctx);
  const timeout = seconds(flags.timeout);
  const plan = planDown(ctx.project, observed, {
    volumes: flags.volumes === true,
    definedServices: ctx.definedServices,
    removeOrphans: flags.removeOrphans === true || process.env.COMPOSE_REMOVE_ORPHANS === 'true',
    ...(flags.rmi ? { rmi: flags.rmi } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  });
  if (flags.dryRun) {
    process.stdout.write(renderPlan(plan));
    return 0;
  }
  if (plan.nodes.length === 0 && plan.warnings.length === 0) {
    process.stderr.write(`Project ${ctx.projectName} is not running: nothing to remove\n`);
    return 0;
  }
  await runPlan(ctx, plan);
  return 0;
}
