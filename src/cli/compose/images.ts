import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth compose images`: the images the project's containers use.
export function registerImages(parent: Command): void {
  parent
    .command('images')
    .description('List images used by the created containers')
    .argument('[services...]')
    .option('-q, --quiet', 'only display IDs')
    .addOption(new Option('--format <format>', 'format the output').choices(['table', 'json']).default('table'))
    .action(action(async (services: string[], flags: { quiet?: boolean; format: string }, cmd: Command) => (await import('./images-action.js')).runImages(services, flags, cmd)));
}
