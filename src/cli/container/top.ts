import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import { renderTable } from '../table.js';

export function registerTop(group: Command): void {
  group
    .command('top')
    .description('Display the running processes of a container')
    .argument('<container>')
    .argument('[ps-options...]')
    // `top web -eo pid,comm`: everything after the container is ps's (docker top CONTAINER [ps OPTIONS]).
    .passThroughOptions()
    .action(
      action(async (id: string, psArgs: string[], _opts: unknown, cmd: Command) => {
        const client = await engineFor(cmd);
        const top = await client.request<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${encodeURIComponent(id)}/top`, {
          query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined },
        });
        process.stdout.write(renderTable(top.Titles, top.Processes));
      }),
    );
}
