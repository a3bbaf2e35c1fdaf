import { compareNames } from '../../plan/compare-names.js';
import type { Command } from 'commander';
import type { ContainerSummary } from '../../client/api/wire.js';
import { BerthError } from '../../errors.js';
import { Labels, projectFilter } from '../../plan/labels.js';
import { renderTable } from '../table.js';
import { composeContext } from './context.js';
import { STATUSES, type PsFlags } from './ps.js';

// The implementation of `berth ps`, loaded by its action on first use (flags in ps.ts).

export async function runPs(services: string[], flags: PsFlags, cmd: Command): Promise<number> {
  if (flags.format !== 'table' && flags.format !== 'json') throw new BerthError('usage', `unsupported --format ${flags.format}: use table or json`);
  const statuses = [...(flags.status ?? []), ...(flags.filter?.startsWith('status=') ? [flags.filter.slice(7)] : [])];
  for (const s of statuses) if (!STATUSES.includes(s)) throw new BerthError('usage', `invalid --status ${s}: one of ${STATUSES.join(', ')}`);
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  let rows = await ctx.api.containers.list({ all: true, filters: { label: [projectFilter(ctx.projectName)] } });
  rows = rows.filter((c) => c.Labels[Labels.project] === ctx.projectName);
  // Like Compose: without -a, running containers of the services only (no one-offs).
  if (!flags.all) rows = rows.filter((c) => c.Labels[Labels.oneoff] !== 'True');
  if (!flags.all && statuses.length === 0) rows = rows.filter((c) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting');
  if (statuses.length) rows = rows.filter((c) => statuses.includes(c.State));
  if (services.length) rows = rows.filter((c) => services.includes(c.Labels[Labels.service] ?? ''));
  rows.sort((a, b) => compareNames(name(a), name(b)));
  if (flags.services) {
    for (const s of [...new Set(rows.map((c) => c.Labels[Labels.service] ?? ''))]) process.stdout.write(`${s}\n`);
    return 0;
  }
  if (flags.quiet) {
    for (const c of rows) process.stdout.write(`${c.Id}\n`);
    return 0;
  }
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(rows.map(jsonRow))}\n`);
    return 0;
  }
  process.stdout.write(renderTable(['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'], rows.map(tableRow)));
  return 0;
}

const name = (c: ContainerSummary) => (c.Names[0] ?? c.Id).replace(/^\//, '');

function ports(c: ContainerSummary): string {
  return (c.Ports ?? [])
    .map((p) => (p.PublicPort ? `${p.IP || '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}

function tableRow(c: ContainerSummary): string[] {
  const command = c.Command.length > 20 ? `"${c.Command.slice(0, 19)}…"` : `"${c.Command}"`;
  return [name(c), c.Image, command, c.Labels[Labels.service] ?? '', created(c.Created), c.Status, ports(c)];
}

function created(epoch: number): string {
  const s = Math.max(0, Date.now() / 1000 - epoch);
  if (s < 60) return `${Math.floor(s)} seconds ago`;
  if (s < 3600) return `${Math.floor(s / 60)} minutes ago`;
  return `${Math.floor(s / 3600)} hours ago`;
}

function jsonRow(c: ContainerSummary): Record<string, unknown> {
  return {
    ID: c.Id,
    Name: name(c),
    Image: c.Image,
    Command: c.Command,
    Project: c.Labels[Labels.project],
    Service: c.Labels[Labels.service],
    Created: c.Created,
    State: c.State,
    Status: c.Status,
    Health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', '') ?? '',
    ExitCode: Number(/Exited \((\d+)\)/.exec(c.Status)?.[1] ?? 0),
    Publishers: (c.Ports ?? []).map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
    Labels: c.Labels,
  };
}
