import type { Command } from 'commander';
import { planStop } from '../../plan/lifecycle.js';
import { action } from '../command-adapter.js';
import { runLifecycle } from './lifecycle-command.js';
import { seconds } from './options.js';

// `berth stop`: stop running containers, dependents first, without removing them.
export function registerStop(parent: Command): void {
  parent
    .command('stop')
    .description('Stop services')
    .argument('[services...]')
    .option('-t, --timeout <seconds>', 'specify a shutdown timeout in seconds')
    .action(action((services: string[], flags: { timeout?: string }, cmd: Command) =>
      runLifecycle(cmd, services, (project, observed) => planStop(project, observed, { services }, seconds(flags.timeout))),
    ));
}
