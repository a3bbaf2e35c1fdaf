import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { seconds } from './options.js';

// `berth restart`: restart service containers (stopped ones are started).
export function registerRestart(parent: Command): void {
  parent
    .command('restart')
    .description('Restart service containers')
    .argument('[services...]')
    .option('-t, --timeout <seconds>', 'specify a shutdown timeout in seconds')
    .option('--no-deps', "don't restart dependent services")
    .action(action(async (services: string[], flags: { timeout?: string }, cmd: Command) => {
      const [{ runLifecycle }, { planRestart }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (_project, observed) => planRestart(observed, { services }, seconds(flags.timeout)));
    }));
}
