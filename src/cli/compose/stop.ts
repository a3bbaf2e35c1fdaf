import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { seconds } from './options.js';

// `berth stop`: stop running containers, dependents first, without removing them.
export function registerStop(parent: Command): void {
  parent
    .command('stop')
    .description('Stop services')
    .argument('[services...]')
    .option('-t, --timeout <seconds>', 'specify a shutdown timeout in seconds')
    .action(action(async (services: string[], flags: { timeout?: string }, cmd: Command) => {
      const [{ runLifecycle }, { planStop }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (project, observed) => planStop(project, observed, { services }, seconds(flags.timeout)));
    }));
}
