import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import type { NetworkRecord } from '../../engine/types.js';
import { inspectEach } from '../inspect-each.js';
import { renderTable } from '../table.js';
import { forEachTarget } from '../for-each-target.js';
import { filtersParam, keyValueFlags } from '../flag-values.js';

const collect = (v: string, prev: string[]) => [...prev, v];

// `berth network …`, docker's flags.
export function registerNetworkCommands(program: Command): void {
  const group = program.command('network').description('Manage networks (docker network …)');

  group
    .command('create')
    .argument('<name>')
    .option('-d, --driver <driver>', 'driver to manage the network', 'bridge')
    .option('--subnet <cidr>', 'subnet in CIDR format')
    .option('--gateway <ip>', 'IPv4 gateway for the master subnet')
    .option('--ip-range <cidr>', 'allocate container IPs from a sub-range')
    .option('--internal', 'restrict external access to the network')
    .option('--attachable', 'enable manual container attachment')
    .option('-o, --opt <key=value>', 'driver specific options', collect, [])
    .option('--label <key=value>', 'set metadata on a network', collect, [])
    .action(
      action(async (name: string, o: { driver: string; subnet?: string; gateway?: string; ipRange?: string; internal?: boolean; attachable?: boolean; opt: string[]; label: string[] }, cmd: Command) => {
        const client = await engineFor(cmd);
        const config = o.subnet || o.gateway || o.ipRange ? [{ Subnet: o.subnet, Gateway: o.gateway, IPRange: o.ipRange }] : [];
        const res = await client.request<{ Id: string }>('POST', '/networks/create', {
          body: { Name: name, Driver: o.driver, Internal: o.internal === true, Attachable: o.attachable === true, IPAM: { Driver: 'default', Config: config }, Options: keyValueFlags(o.opt), Labels: keyValueFlags(o.label), CheckDuplicate: true },
        });
        process.stdout.write(`${res.Id}\n`);
      }),
    );

  group
    .command('ls')
    .alias('list')
    .option('-q, --quiet', 'only display network IDs')
    .option('-f, --filter <key=value>', 'provide filter values', collect, [])
    .option('--format <format>', 'table or json')
    .action(
      action(async (o: { quiet?: boolean; filter: string[]; format?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        const list = await client.request<NetworkRecord[]>('GET', '/networks', { query: { filters: filtersParam(o.filter) } });
        if (o.quiet) return void list.forEach((n) => process.stdout.write(`${n.Id.slice(0, 12)}\n`));
        if (o.format === 'json') return void list.forEach((n) => process.stdout.write(`${JSON.stringify(n)}\n`));
        process.stdout.write(renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], list.map((n) => [n.Id.slice(0, 12), n.Name, n.Driver, n.Scope])));
      }),
    );

  group
    .command('inspect')
    .argument('<network...>')
    .option('-f, --format <template>', 'format the output using a path template')
    .action(
      action(async (names: string[], o: { format?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        return inspectEach(client, names, (n) => `/networks/${n}`, o.format);
      }),
    );

  group
    .command('rm')
    .alias('remove')
    .argument('<network...>')
    .action(
      action(async (names: string[], _o: unknown, cmd: Command) => {
        const client = await engineFor(cmd);
        return forEachTarget(names, (n) => client.request('DELETE', `/networks/${encodeURIComponent(n)}`));
      }),
    );

  group
    .command('connect')
    .argument('<network>')
    .argument('<container>')
    .option('--alias <alias>', 'add network-scoped alias for the container', collect, [])
    .option('--ip <addr>', 'IPv4 address')
    .action(
      action(async (network: string, container: string, o: { alias: string[]; ip?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        await client.request('POST', `/networks/${encodeURIComponent(network)}/connect`, {
          body: { Container: container, EndpointConfig: { Aliases: o.alias, ...(o.ip ? { IPAMConfig: { IPv4Address: o.ip } } : {}) } },
        });
      }),
    );

  group
    .command('disconnect')
    .argument('<network>')
    .argument('<container>')
    .option('-f, --force', 'force the container to disconnect from a network')
    .action(
      action(async (network: string, container: string, o: { force?: boolean }, cmd: Command) => {
        const client = await engineFor(cmd);
        await client.request('POST', `/networks/${encodeURIComponent(network)}/disconnect`, { body: { Container: container, Force: o.force === true } });
      }),
    );

  group
    .command('prune')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const client = await engineFor(cmd);
        const res = await client.request<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune');
        const deleted = res.NetworksDeleted ?? [];
        if (deleted.length) process.stdout.write(`Deleted Networks:\n${deleted.join('\n')}\n`);
      }),
    );
}
