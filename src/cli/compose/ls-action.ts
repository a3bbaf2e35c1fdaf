import { compareNames } from '../../plan/compare-names.js';
import type { Command } from 'commander';
import { connectEngine } from '../../client/connect.js';
import { EngineApi } from '../../client/api/engine-api.js';
import { Labels } from '../../plan/labels.js';
import { composeGlobals } from './globals.js';
import { renderTable } from '../table.js';
import type { LsFlags } from './ls.js';

// The implementation of `berth ls`, loaded by its action on first use (flags in ls.ts).

export async function runLs(flags: LsFlags, cmd: Command): Promise<number> {
  const api = new EngineApi(await connectEngine(composeGlobals(cmd)));
  const containers = await api.containers.list({ all: true, filters: { label: [Labels.project] } });
  const projects = new Map<string, { states: Map<string, number>; files: Set<string> }>();
  for (const c of containers) {
    const name = c.Labels[Labels.project];
    if (!name) continue;
    const p = projects.get(name) ?? { states: new Map(), files: new Set() };
    p.states.set(c.State, (p.states.get(c.State) ?? 0) + 1);
    const files = c.Labels[Labels.configFiles];
    if (files) p.files.add(files);
    projects.set(name, p);
  }
  const nameFilter = flags.filter?.startsWith('name=') ? flags.filter.slice(5) : undefined;
  const rows = [...projects.entries()]
    .filter(([, p]) => flags.all || p.states.has('running'))
    .filter(([name]) => !nameFilter || name.includes(nameFilter))
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, p]) => ({
      Name: name,
      Status: [...p.states.entries()].sort(([a], [b]) => compareNames(a, b)).map(([s, n]) => `${s}(${n})`).join(', '),
      ConfigFiles: [...p.files].join(','),
    }));
  if (flags.quiet) for (const r of rows) process.stdout.write(`${r.Name}\n`);
  else if (flags.format === 'json') process.stdout.write(`${JSON.stringify(rows)}\n`);
  else process.stdout.write(renderTable(['NAME', 'STATUS', 'CONFIG FILES'], rows.map((r) => [r.Name, r.Status, r.ConfigFiles])));
  return 0;
}
