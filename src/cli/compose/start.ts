import type { Command } from 'commander';
import { reconcile } from '../../plan/reconcile.js';
import { action } from '../command-adapter.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan } from './context.js';

// `berth start`: start existing containers, in dependency order with the depends_on
// conditions honoured; creates nothing (that is `up`).
export function registerStart(parent: Command): void {
  parent
    .command('start')
    .description('Start services')
    .argument('[services...]')
    .option('--wait', 'wait for services to be running|healthy')
    .action(action(async (services: string[], flags: { wait?: boolean }, cmd: Command) => {
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
    }));
}
