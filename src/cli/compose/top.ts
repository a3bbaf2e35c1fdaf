import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { renderTable } from '../table.js';
import { composeContext, observeProject } from './context.js';

// `berth top`: the processes of each running service container.
export function registerTop(parent: Command): void {
  parent
    .command('top')
    .description('Display the running processes')
    .argument('[services...]')
    .action(action(async (services: string[], _flags: object, cmd: Command) => {
      const ctx = await composeContext(cmd, { projectOptional: true });
      const observed = await observeProject(ctx);
      const running = observed.containers.filter((c) => c.state === 'running' && (!services.length || services.includes(c.service)));
      running.sort((a, b) => a.name.localeCompare(b.name));
      for (const c of running) {
        const top = await ctx.api.containers.top(c.id);
        process.stdout.write(`${c.name}\n${renderTable(top.Titles, top.Processes)}\n`);
      }
      return 0;
    }));
}
