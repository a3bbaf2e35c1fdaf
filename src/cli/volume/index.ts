import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import type { VolumeRecord } from '../../engine/types.js';
import { inspectEach } from '../inspect-each.js';
import { humanSize, renderTable } from '../table.js';
import { forEachTarget } from '../for-each-target.js';
import { filtersParam, keyValueFlags } from '../flag-values.js';

const collect = (v: string, prev: string[]) => [...prev, v];

// `berth volume …`, docker's flags.
export function registerVolumeCommands(program: Command): void {
  const group = program.command('volume').description('Manage volumes (docker volume …)');

  group
    .command('create')
    .argument('[name]')
    .option('-d, --driver <driver>', 'volume driver name', 'local')
    .option('-o, --opt <key=value>', 'driver specific options', collect, [])
    .option('--label <key=value>', 'set metadata for a volume', collect, [])
    .action(
      action(async (name: string | undefined, o: { driver: string; opt: string[]; label: string[] }, cmd: Command) => {
        const client = await engineFor(cmd);
        const v = await client.request<VolumeRecord>('POST', '/volumes/create', { body: { Name: name ?? '', Driver: o.driver, DriverOpts: keyValueFlags(o.opt), Labels: keyValueFlags(o.label) } });
        process.stdout.write(`${v.Name}\n`);
      }),
    );

  group
    .command('ls')
    .alias('list')
    .option('-q, --quiet', 'only display volume names')
    .option('-f, --filter <key=value>', 'provide filter values', collect, [])
    .option('--format <format>', 'table or json')
    .action(
      action(async (o: { quiet?: boolean; filter: string[]; format?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        const res = await client.request<{ Volumes: VolumeRecord[] | null }>('GET', '/volumes', { query: { filters: filtersParam(o.filter) } });
        const list = res.Volumes ?? [];
        if (o.quiet) return void list.forEach((v) => process.stdout.write(`${v.Name}\n`));
        if (o.format === 'json') return void list.forEach((v) => process.stdout.write(`${JSON.stringify(v)}\n`));
        process.stdout.write(renderTable(['DRIVER', 'VOLUME NAME'], list.map((v) => [v.Driver, v.Name])));
      }),
    );

  group
    .command('inspect')
    .argument('<volume...>')
    .option('-f, --format <template>', 'format the output using a path template')
    .action(
      action(async (names: string[], o: { format?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        return inspectEach(client, names, (n) => `/volumes/${n}`, o.format);
      }),
    );

  group
    .command('rm')
    .alias('remove')
    .argument('<volume...>')
    .option('-f, --force', 'force the removal of one or more volumes')
    .action(
      action(async (names: string[], o: { force?: boolean }, cmd: Command) => {
        const client = await engineFor(cmd);
        return forEachTarget(names, (n) => client.request('DELETE', `/volumes/${encodeURIComponent(n)}`, { query: { force: o.force === true } }));
      }),
    );

  group
    .command('prune')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('-a, --all', 'remove all unused volumes, not just anonymous ones')
    .action(
      action(async (o: { all?: boolean }, cmd: Command) => {
        const client = await engineFor(cmd);
        const res = await client.request<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', {
          query: { filters: o.all ? JSON.stringify({ all: ['true'] }) : undefined },
        });
        const deleted = res.VolumesDeleted ?? [];
        if (deleted.length) process.stdout.write(`Deleted Volumes:\n${deleted.join('\n')}\n\n`);
        process.stdout.write(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
      }),
    );
}
