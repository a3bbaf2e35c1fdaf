import { compareNames } from '../../plan/compare-names.js';
import type { Command } from 'commander';
import { renderTable } from '../table.js';
import { composeContext, observeProject } from './context.js';

// The implementation of `berth top`, loaded by its action on first use (flags in top.ts).

export async function runTop(services: string[], _flags: object, cmd: Command): Promise<number> {
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  const observed = await observeProject(ctx);
  const running = observed.containers.filter((c) => c.state === 'running' && (!services.length || services.includes(c.service)));
  running.sort((a, b) => compareNames(a.name, b.name));
  for (const c of running) {
    const top = await ctx.api.containers.top(c.id);
    process.stdout.write(`${c.name}\n${renderTable(top.Titles, top.Processes)}\n`);
  }
  return 0;
}
