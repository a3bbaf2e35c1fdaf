import type { Command } from 'commander';
import { planRestart } from '../../plan/lifecycle.js';
import { action } from '../command-adapter.js';
import { runLifecycle } from './lifecycle-command.js';
import { seconds } from './options.js';

// `berth restart`: restart service containers (stopped ones are started).
export function registerRestart(parent: Command): void {
  parent
    .command('restart')
    .description('Restart service containers')
    .argument('[services...]')
    .option('-t, --timeout <seconds>', 'specify a shutdown timeout in seconds')
    .option('--no-deps', "don't restart dependent services")
    .action(action((services: string[], flags: { timeout?: string }, cmd: Command) =>
      runLifecycle(cmd, services, (_project, observed) => planRestart(observed, { services }, seconds(flags.timeout))),
    ));
}
