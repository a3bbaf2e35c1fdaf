import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth top`: the processes of each running service container.
export function registerTop(parent: Command): void {
  parent
    .command('top')
    .description('Display the running processes')
    .argument('[services...]')
    .action(action(async (services: string[], _flags: object, cmd: Command) => (await import('./top-action.js')).runTop(services, _flags, cmd)));
}
