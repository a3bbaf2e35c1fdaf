import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth start`: start existing containers, in dependency order with the depends_on
// conditions honoured; creates nothing (that is `up`).
export function registerStart(parent: Command): void {
  parent
    .command('start')
    .description('Start services')
    .argument('[services...]')
    .option('--wait', 'wait for services to be running|healthy')
    .action(action(async (services: string[], flags: { wait?: boolean }, cmd: Command) => (await import('./start-action.js')).runStart(services, flags, cmd)));
}
