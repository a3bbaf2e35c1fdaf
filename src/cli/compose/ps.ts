import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';
import { collect } from './options.js';

// `berth ps`: the project's containers, as a table, JSON, or IDs.

export interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
  status?: string[];
  format?: string;
  filter?: string;
}

export const STATUSES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

export function registerPs(parent: Command): void {
  parent
    .command('ps')
    .description('List containers')
    .argument('[services...]')
    .option('-a, --all', 'show all stopped containers (including those created by the run command)')
    .option('-q, --quiet', 'only display IDs')
    .option('--services', 'display services')
    .option('--status <status>', `filter services by status (${STATUSES.join(', ')})`, collect)
    .option('--filter <filter>', 'filter services by a property (status=<status>)')
    .addOption(new Option('--format <format>', 'format the output: table or json').default('table'))
    .action(action(async (services: string[], flags: PsFlags, cmd: Command) => (await import('./ps-action.js')).runPs(services, flags, cmd)));
}
