import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth version`: the client's version (the engine's is `berth system version`/docker).
const VERSION = '0.1.0';

export function registerVersion(parent: Command): void {
  parent
    .command('version')
    .description('Show the berth version information')
    .addOption(new Option('-f, --format <format>', 'format the output').choices(['pretty', 'json']).default('pretty'))
    .option('--short', 'shows only the version number')
    .action(action((flags: { format: string; short?: boolean }) => {
      if (flags.short) process.stdout.write(`${VERSION}\n`);
      else if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ version: VERSION })}\n`);
      else process.stdout.write(`berth version ${VERSION}\n`);
      return 0;
    }));
}
