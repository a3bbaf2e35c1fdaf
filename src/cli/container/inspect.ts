import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';

import { selectPath } from '../format-path.js';

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
        const found: unknown[] = [];
        let failed = false;
        for (const id of ids) {
          try {
            found.push(await client.request('GET', `/containers/${encodeURIComponent(id)}/json`));
          } catch (err) {
            failed = true;
            process.stderr.write(`Error: ${(err as Error).message}\n`);
          }
        }
        if (opts.format) for (const item of found) process.stdout.write(`${selectPath(item, opts.format)}\n`);
        else process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
        return failed ? 1 : 0;
      }),
    );
}
