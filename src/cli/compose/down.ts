import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth down`: stop and remove containers, networks (and volumes with -v, images with
// --rmi). Works without the compose file given -p.

export interface DownFlags {
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
    .action(action(async (flags: DownFlags, cmd: Command) => (await import('./down-action.js')).runDown(flags, cmd)));
}
