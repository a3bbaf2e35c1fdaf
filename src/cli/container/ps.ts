import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import { humanDuration, renderTable } from '../table.js';
import { filtersParam } from '../flag-values.js';

// `berth container ps`: docker ps columns, filters passed to the engine.

interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  Status: string;
  State: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Labels: Record<string, string>;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function formatPorts(ports: ContainerSummary['Ports']): string {
  return ports
    .map((p) => (p.PublicPort ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}

export function registerPs(group: Command): void {
  group
    .command('ps')
    .alias('ls')
    .description('List containers')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('-f, --filter <key=value>', 'filter output based on conditions provided', collect, [])
    .option('--format <format>', 'table or json')
    .option('--no-trunc', "don't truncate output")
    .action(
      action(async (opts: { all?: boolean; quiet?: boolean; filter: string[]; format?: string; trunc: boolean }, cmd: Command) => {
        const client = await engineFor(cmd);
        const list = await client.request<ContainerSummary[]>('GET', '/containers/json', {
          query: { all: opts.all === true, filters: filtersParam(opts.filter) },
        });
        if (opts.quiet) {
          for (const c of list) process.stdout.write(`${opts.trunc ? c.Id.slice(0, 12) : c.Id}\n`);
          return;
        }
        if (opts.format === 'json') {
          for (const c of list) process.stdout.write(`${JSON.stringify(c)}\n`);
          return;
        }
        const now = Date.now() / 1000;
        const rows = list.map((c) => [
          opts.trunc ? c.Id.slice(0, 12) : c.Id,
          c.Image,
          JSON.stringify(opts.trunc && c.Command.length > 20 ? `${c.Command.slice(0, 19)}…` : c.Command),
          `${humanDuration(now - c.Created)} ago`,
          c.Status,
          formatPorts(c.Ports),
          c.Names.map((n) => n.replace(/^\//, '')).join(','),
        ]);
        process.stdout.write(renderTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
      }),
    );
}
