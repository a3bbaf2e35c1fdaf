import { Option, type Command } from 'commander';
import { planDown } from '../../plan/lifecycle.js';
import { renderPlan } from '../../plan/plan.js';
import { action } from '../command-adapter.js';
import { composeContext, observeProject, runPlan } from './context.js';
import { seconds } from './options.js';

// `berth down`: stop and remove containers, networks (and volumes with -v, images with
// --rmi). Works without the compose file given -p.

interface DownFlags {
  volumes?: boolean;
  removeOrphans?: boolean;
  rmi?: 'local' | 'all';
  timeout?: string;
  dryRun?: boolean;
}

export function registerDown(parent: Command): void {
  parent
    .command('down')
    .description('Stop and remove containers, networks')
    .option('-v, --volumes', 'remove named volumes declared in the "volumes" section and anonymous volumes attached to containers')
    .option('--remove-orphans', 'remove containers for services not defined in the compose file')
    .addOption(new Option('--rmi <type>', 'remove images used by services: "local" (no custom tag) or "all"').choices(['local', 'all']))
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .option('--dry-run', 'print the plan and change nothing')
    .action(action(async (flags: DownFlags, cmd: Command) => {
      const ctx = await composeContext(cmd, { projectOptional: true });
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
    }));
}
