import { Option, type Command } from 'commander';
import { BerthError } from '../../errors.js';
import { reconcile } from '../../plan/reconcile.js';
import { action } from '../command-adapter.js';
import { composeContext, observeProject, reconcileBase, requireProject, runPlan } from './context.js';
import { collect, parseScale } from './options.js';

// `berth create`: `up --no-start`.
interface CreateFlags {
  forceRecreate?: boolean;
  recreate?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  pull?: 'always' | 'missing' | 'never';
}

export function registerCreate(parent: Command): void {
  parent
    .command('create')
    .description('Creates containers for a service')
    .argument('[services...]')
    .option('--force-recreate', 'recreate containers even if their configuration has not changed')
    .option('--no-recreate', "if containers already exist, don't recreate them")
    .option('--remove-orphans', 'remove containers for services not defined in the compose file')
    .option('--scale <service=num>', 'scale SERVICE to NUM instances', collect)
    .option('--no-build', "don't build an image, even if it's missing")
    .addOption(new Option('--pull <policy>', 'pull image before running').choices(['always', 'missing', 'never']))
    .action(action(async (services: string[], flags: CreateFlags, cmd: Command) => {
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
    }));
}
