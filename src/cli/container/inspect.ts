import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import { inspectEach } from '../inspect-each.js';

// `berth container inspect`: docker prints a JSON array of the engine's inspect objects.
export function registerInspect(group: Command): void {
  group
    .command('inspect')
    .description('Display detailed information on one or more containers')
    .argument('<container...>')
    .option('-f, --format <template>', 'format the output using a path template, e.g. {{.State.Status}}')
    .action(
      action(async (ids: string[], opts: { format?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        return inspectEach(client, ids, (id) => `/containers/${id}/json`, opts.format);
      }),
    );
}
