import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth ls`: projects found by their containers' labels, with a status summary.
export interface LsFlags {
  all?: boolean;
  quiet?: boolean;
  format: string;
  filter?: string;
}

export function registerLs(parent: Command): void {
  parent
    .command('ls')
    .description('List running compose projects')
    .option('-a, --all', 'show all stopped Compose projects')
    .option('-q, --quiet', 'only display project names')
    .option('--filter <filter>', 'filter output based on conditions provided (name=...)')
    .addOption(new Option('--format <format>', 'format the output').choices(['table', 'json']).default('table'))
    .action(action(async (flags: LsFlags, cmd: Command) => (await import('./ls-action.js')).runLs(flags, cmd)));
}
