import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth wait SERVICE...`: block until the service containers stop; print each exit
// code and return the first one.
export function registerWait(parent: Command): void {
  parent
    .command('wait')
    .description('Block until containers of all (or specified) services stop')
    .argument('<services...>')
    .option('--down-project', 'drops the project when the first container stops')
    .action(action(async (services: string[], flags: { downProject?: boolean }, cmd: Command) => (await import('./wait-action.js')).runWait(services, flags, cmd)));
}
