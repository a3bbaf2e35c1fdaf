import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invalid } from '../../errors.js';
import type { NamespaceMode } from '../../runtime/types.js';
import type { EndpointRequest, NetworkService, PortBinding, Sandbox } from '../types.js';
import type { ContainerRecord } from './model.js';
import { hostnameFile, hostsFile, resolvConf } from '../networks/etc-files.js';
import { parsePortKey } from './validate-create.js';

// The network side of a start: a sandbox from the network service for bridge and user
// networks, the host's namespace for `host`, a fresh empty one for `none`, another
// container's for `container:<id>`; then the /etc/hosts, /etc/hostname and
// /etc/resolv.conf files the container gets bind-mounted.

export type NetworkKind = { kind: 'bridge'; networks: string[] } | { kind: 'host' } | { kind: 'none' } | { kind: 'container'; ref: string };

export function networkKind(c: ContainerRecord): NetworkKind {
  const mode = c.HostConfig.NetworkMode;
  if (mode === 'host') return { kind: 'host' };
  if (mode === 'none') return { kind: 'none' };
  if (mode.startsWith('container:')) return { kind: 'container', ref: mode.slice('container:'.length) };
  return { kind: 'bridge', networks: Object.keys(c.EndpointsConfig) };
}

/** The EndpointsConfig a create ends with: the NetworkMode's network is always in it. */
export function defaultEndpoints(mode: string, requested: ContainerRecord['EndpointsConfig']): ContainerRecord['EndpointsConfig'] {
  // The docker CLI names the default network "default"; it is the `bridge` network.
  const endpoints: ContainerRecord['EndpointsConfig'] = {};
  for (const [name, cfg] of Object.entries(requested)) endpoints[name === 'default' ? 'bridge' : name] = cfg;
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    if (Object.keys(endpoints).length > 0 && mode.startsWith('container:')) throw invalid('conflicting options: container type network can\'t be used with other networks');
    return mode.startsWith('container:') ? {} : { [mode]: {} };
  }
  const primary = mode === 'default' ? 'bridge' : mode;
  return endpoints[primary] ? endpoints : { [primary]: {}, ...endpoints };
}

export function portBindings(c: ContainerRecord): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(c.HostConfig.PortBindings)) {
    const [containerPort, protocol] = parsePortKey(key, 'HostConfig.PortBindings');
    for (const b of list ?? []) out.push({ containerPort, protocol, hostIp: b.HostIp ?? '', hostPort: Number((b.HostPort ?? '').split('-')[0] || 0) });
  }
  if (c.HostConfig.PublishAllPorts) {
    for (const key of Object.keys(c.Config.ExposedPorts)) {
      const [containerPort, protocol] = parsePortKey(key, 'Config.ExposedPorts');
      if (!out.some((p) => p.containerPort === containerPort && p.protocol === protocol)) out.push({ containerPort, protocol, hostIp: '', hostPort: 0 });
    }
  }
  return out;
}

export async function createSandbox(networks: NetworkService, c: ContainerRecord, networkNames: string[], opts: { configureLater?: boolean } = {}): Promise<Sandbox> {
  const endpoints: EndpointRequest[] = [];
  for (const name of networkNames) {
    const net = await networks.inspect(name);
    const cfg = c.EndpointsConfig[name] ?? {};
    const aliases = [c.Name, c.Id.slice(0, 12), ...(cfg.Aliases ?? [])];
    const req: EndpointRequest = { networkId: net.Id, aliases: [...new Set(aliases)] };
    if (cfg.IPAMConfig?.IPv4Address) req.ipv4Address = cfg.IPAMConfig.IPv4Address;
    endpoints.push(req);
  }
  return networks.createSandbox(c.Id, c.Name, endpoints, portBindings(c), opts);
}

export function netnsMode(kind: NetworkKind, sandbox: Sandbox | undefined, otherPid: number | undefined): NamespaceMode {
  if (kind.kind === 'host') return { kind: 'host' };
  if (kind.kind === 'none') return { kind: 'new' };
  if (kind.kind === 'container') return { kind: 'path', path: `/proc/${otherPid ?? 0}/ns/net` };
  if (!sandbox) throw invalid('no sandbox');
  return { kind: 'path', path: sandbox.netnsPath };
}

/** Write hosts, hostname and resolv.conf into the container dir; returns their paths. */
export async function writeEtcFiles(dir: string, c: ContainerRecord, sandbox: Sandbox | undefined, kind: NetworkKind): Promise<{ hosts: string; hostname: string; resolv: string }> {
  const files = { hosts: path.join(dir, 'hosts'), hostname: path.join(dir, 'hostname'), resolv: path.join(dir, 'resolv.conf') };
  const hostname = kind.kind === 'host' ? (await readFile('/etc/hostname', 'utf8').catch(() => 'localhost')).trim() : c.Config.Hostname || c.Id.slice(0, 12);
  const firstEndpoint = Object.values(sandbox?.endpoints ?? {})[0];
  const extraHosts = (c.HostConfig.ExtraHosts ?? []).map((extra) => {
    const idx = extra.indexOf(':');
    if (idx < 0) throw invalid(`invalid extra host: "${extra}"`);
    const ip = extra.slice(idx + 1);
    return { name: extra.slice(0, idx), ip: ip === 'host-gateway' ? (firstEndpoint?.Gateway ?? '127.0.0.1') : ip };
  });
  // With the host's network the container sees the host's hosts file (plus extra hosts).
  const hosts =
    kind.kind === 'host'
      ? (await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n')) + extraHosts.map((h) => `${h.ip}\t${h.name}\n`).join('')
      : hostsFile({ hostname, ...(firstEndpoint?.IPAddress ? { ip: firstEndpoint.IPAddress } : {}), aliases: c.Config.Domainname ? [`${hostname}.${c.Config.Domainname}`] : [], extraHosts });
  // Three small files: sync writes, not three thread-pool round trips behind other containers' work.
  writeFileSync(files.hostname, hostnameFile(hostname), { mode: 0o644 });
  writeFileSync(files.hosts, hosts, { mode: 0o644 });
  writeFileSync(files.resolv, resolvText(c, sandbox, kind), { mode: 0o644 });
  return files;
}

function resolvText(c: ContainerRecord, sandbox: Sandbox | undefined, kind: NetworkKind): string {
  let host = '';
  try {
    host = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // no resolv.conf on the host
  }
  const hostServers = host.split('\n').filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1] ?? '').filter((s) => s !== '' && !s.startsWith('127.'));
  // Containers on a berth network ask its DNS responder (names, aliases, then upstream).
  const embedded = kind.kind === 'bridge' && sandbox !== undefined && sandbox.dnsServers.length > 0 && c.HostConfig.Dns.length === 0;
  let servers = c.HostConfig.Dns.length > 0 ? c.HostConfig.Dns : embedded ? sandbox.dnsServers : hostServers;
  if (servers.length === 0) servers = ['8.8.8.8'];
  const search = c.HostConfig.DnsSearch.length > 0 ? { search: c.HostConfig.DnsSearch } : {};
  return resolvConf({ nameservers: servers, ...search, options: c.HostConfig.DnsOptions.length > 0 ? c.HostConfig.DnsOptions : embedded ? ['ndots:0'] : [] });
}
