import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth events`: the project's container events, live, as text or JSON lines.
export function registerEvents(parent: Command): void {
  parent
    .command('events')
    .description('Receive real time events from containers')
    .argument('[services...]')
    .option('--json', 'output events as a stream of json objects')
    .action(action(async (services: string[], flags: { json?: boolean }, cmd: Command) => (await import('./events-action.js')).runEvents(services, flags, cmd)));
}
