import { isIpAddress, isIpv4, isIpv6 } from '../ip-address.js';
import { ComposeError, type ComposeErrorKind, type KeyPath, type Locator } from './errors.js';
import type { PortConfig, Project, ServiceConfig } from './model.js';

// Cross-references and conflicting options that the schema cannot express: every name a
// service uses must be declared, and options that cannot hold together are refused.
// Runs on the bound Project, after profiles have dropped inactive services.

function fail(kind: ComposeErrorKind, message: string, locator: Locator, path: KeyPath): never {
  for (let n = path.length; n >= 0; n--) {
    const position = locator.locate(path.slice(0, n));
    if (position !== undefined) throw new ComposeError(kind, message, { position, keyPath: path });
  }
  throw new ComposeError(kind, message, { keyPath: path });
}

/** "service:x" / "container:x" prefixes name another service or a container. */
function serviceRef(value: string, prefix: string): string | undefined {
  return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}

function checkServiceRefs(name: string, svc: ServiceConfig, project: Project, locator: Locator): void {
  const exists = (s: string) => Object.hasOwn(project.services, s);
  const at = (...rest: (string | number)[]): KeyPath => ['services', name, ...rest];
  // The specific references first: normalize() has also turned each of them into an
  // implicit depends_on entry, whose message would not say where the name came from.
  (svc.links ?? []).forEach((link, i) => {
    const target = link.split(':')[0] ?? link;
    if (!exists(target)) fail('undefined_reference', `service "${name}" refers to undefined service "${target}" in links`, locator, at('links', i));
  });
  for (const key of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const) {
    const value = svc[key];
    const target = value === undefined || value === null ? undefined : serviceRef(value, 'service:');
    if (target !== undefined && !exists(target)) {
      fail('undefined_reference', `service "${name}" refers to undefined service "${target}" in ${key}`, locator, at(key));
    }
  }
  (svc.volumes_from ?? []).forEach((spec, i) => {
    if (spec.startsWith('container:')) return;
    const rest = serviceRef(spec, 'service:') ?? spec;
    const target = rest.split(':')[0] ?? rest;
    if (!exists(target)) fail('undefined_reference', `service "${name}" refers to undefined service "${target}" in volumes_from`, locator, at('volumes_from', i));
  });
  for (const [dep, cfg] of Object.entries(svc.depends_on ?? {})) {
    // An optional dependency may be absent (another profile, another file); Compose skips it.
    if (!exists(dep) && cfg.required) fail('undefined_reference', `service "${name}" depends on undefined service "${dep}"`, locator, at('depends_on', dep));
  }
}

function checkResourceRefs(name: string, svc: ServiceConfig, project: Project, locator: Locator): void {
  const at = (...rest: (string | number)[]): KeyPath => ['services', name, ...rest];
  for (const net of Object.keys(svc.networks ?? {})) {
    if (!Object.hasOwn(project.networks ?? {}, net)) fail('undefined_reference', `service "${name}" refers to undefined network "${net}"`, locator, at('networks', net));
  }
  (svc.volumes ?? []).forEach((v, i) => {
    if (v.type !== 'volume' || v.source === undefined) return;
    if (!Object.hasOwn(project.volumes ?? {}, v.source)) fail('undefined_reference', `service "${name}" refers to undefined volume "${v.source}"`, locator, at('volumes', i));
  });
  const files = [
    ['secrets', svc.secrets, project.secrets, 'secret'],
    ['configs', svc.configs, project.configs, 'config'],
    ['build', svc.build?.secrets, project.secrets, 'secret'],
  ] as const;
  for (const [key, refs, declared, what] of files) {
    (refs ?? []).forEach((ref, i) => {
      const path = key === 'build' ? at('build', 'secrets', i) : at(key, i);
      if (!Object.hasOwn(declared ?? {}, ref.source)) fail('undefined_reference', `service "${name}" refers to undefined ${what} "${ref.source}"`, locator, path);
    });
  }
}

function replicasOf(svc: ServiceConfig): number {
  return svc.deploy?.replicas ?? svc.scale ?? 1;
}

const HEALTHCHECK_KINDS = new Set(['CMD', 'CMD-SHELL', 'NONE']);

function checkDefinition(name: string, svc: ServiceConfig, locator: Locator): void {
  const at = (...rest: (string | number)[]): KeyPath => ['services', name, ...rest];
  // A provider-managed service has no container of its own, hence no image.
  // An empty image is none, as in compose-go.
  if (!svc.image && svc.build === undefined && svc.provider === undefined) {
    fail('invalid_value', `service "${name}" has neither an image nor a build context specified`, locator, svc.image === '' ? at('image') : at());
  }
  if (svc.restart !== undefined && !/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(svc.restart)) {
    fail('invalid_value', `service "${name}" has an invalid restart policy "${svc.restart}" (no, always, on-failure[:max-retries] or unless-stopped)`, locator, at('restart'));
  }
  (svc.volumes ?? []).forEach((v, i) => {
    if (typeof v.target !== 'string' || v.target === '') fail('invalid_value', `service "${name}" mounts a ${v.type} without a target`, locator, at('volumes', i));
    if ((v.type === 'bind' || v.type === 'npipe') && !v.source) fail('invalid_value', `service "${name}" mounts a ${v.type} at ${v.target} without a source`, locator, at('volumes', i));
    if (v.type === 'tmpfs' && v.source !== undefined) fail('invalid_value', `service "${name}" gives a source to the tmpfs mount at ${v.target}`, locator, at('volumes', i));
  });
  // Values dockerd (or compose) would refuse at create, here with their place in the file;
  // berth's planner would otherwise drop a negative cpus without a word.
  const negative = (value: number | undefined, what: string, key: KeyPath): void => {
    if (value !== undefined && value < 0) fail('invalid_value', `service "${name}": ${what} cannot be negative (${value})`, locator, key);
  };
  negative(svc.cpus, 'cpus', at('cpus'));
  negative(svc.deploy?.resources?.limits?.cpus, 'deploy.resources.limits.cpus', at('deploy', 'resources', 'limits', 'cpus'));
  negative(svc.deploy?.resources?.reservations?.cpus, 'deploy.resources.reservations.cpus', at('deploy', 'resources', 'reservations', 'cpus'));
  negative(svc.scale, 'scale', at('scale'));
  negative(svc.deploy?.replicas, 'deploy.replicas', at('deploy', 'replicas'));
  (svc.dns ?? []).forEach((d, i) => {
    if (!isIpAddress(d)) fail('invalid_value', `service "${name}": dns server "${d}" is not an IP address`, locator, at('dns', i));
  });
  for (const [net, cfg] of Object.entries(svc.networks ?? {})) {
    if (cfg?.ipv4_address !== undefined && !isIpv4(cfg.ipv4_address)) fail('invalid_value', `service "${name}": invalid IPv4 address "${cfg.ipv4_address}" on network "${net}"`, locator, at('networks', net, 'ipv4_address'));
    if (cfg?.ipv6_address !== undefined && !isIpv6(cfg.ipv6_address)) fail('invalid_value', `service "${name}": invalid IPv6 address "${cfg.ipv6_address}" on network "${net}"`, locator, at('networks', net, 'ipv6_address'));
  }
  const kind = svc.healthcheck?.test?.[0];
  if (kind !== undefined && !HEALTHCHECK_KINDS.has(kind)) {
    fail('invalid_value', `service "${name}": healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE", not "${kind}"`, locator, at('healthcheck', 'test'));
  }
}

function checkConflicts(name: string, svc: ServiceConfig, locator: Locator): void {
  const at = (...rest: (string | number)[]): KeyPath => ['services', name, ...rest];
  // normalize() gives every service without network_mode a "default" network, so only an
  // explicit networks key can clash; it is the one the locator knows.
  if (svc.network_mode !== undefined && svc.networks !== undefined) {
    fail('conflict', `service "${name}" declares mutually exclusive network_mode and networks`, locator, at('network_mode'));
  }
  if (svc.scale !== undefined && svc.deploy?.replicas !== undefined && svc.scale !== svc.deploy.replicas) {
    fail('conflict', `service "${name}" sets different values for scale (${svc.scale}) and deploy.replicas (${svc.deploy.replicas})`, locator, at('scale'));
  }
  if (svc.container_name !== undefined && replicasOf(svc) > 1) {
    fail('conflict', `service "${name}" sets container_name "${svc.container_name}" but runs ${replicasOf(svc)} replicas; container names must be unique`, locator, at('container_name'));
  }
}

interface Binding {
  service: string;
  index: number;
  ip: string;
  port: number;
  protocol: string;
}

const WILDCARD = new Set(['', '0.0.0.0', '::']);

/** Host ports two containers would both bind. Ranges ("8000-8005") are pools and may overlap. */
function checkPublishedPorts(project: Project, locator: Locator): void {
  const seen: Binding[] = [];
  for (const [name, svc] of Object.entries(project.services)) {
    (svc.ports ?? []).forEach((p: PortConfig, index) => {
      if (p.published === undefined || !/^\d+$/.test(p.published) || p.mode === 'host') return;
      const binding = { service: name, index, ip: p.host_ip ?? '', port: Number(p.published), protocol: p.protocol };
      if (replicasOf(svc) > 1) {
        fail('conflict', `service "${name}" publishes host port ${binding.port} but runs ${replicasOf(svc)} replicas; use a port range or no published port`, locator, ['services', name, 'ports', index]);
      }
      const clash = seen.find(
        (b) => b.port === binding.port && b.protocol === binding.protocol && (b.ip === binding.ip || WILDCARD.has(b.ip) || WILDCARD.has(binding.ip)),
      );
      if (clash !== undefined) {
        const owner = clash.service === name ? 'itself' : `service "${clash.service}"`;
        fail('conflict', `service "${name}" publishes ${binding.protocol} port ${binding.port}, already published by ${owner}`, locator, ['services', name, 'ports', index]);
      }
      seen.push(binding);
    });
  }
}

/** Declared resources: external ones cannot also be configured; secrets and configs need a source. */
function checkResources(project: Project, locator: Locator): void {
  for (const section of ['networks', 'volumes'] as const) {
    for (const [key, res] of Object.entries(project[section] ?? {})) {
      if (res.external !== true) continue;
      for (const option of ['driver', 'driver_opts', 'labels'] as const) {
        if (res[option] !== undefined) {
          fail('conflict', `conflicting parameters "external" and "${option}" specified for ${section.slice(0, -1)} "${key}"`, locator, [section, key, option]);
        }
      }
    }
  }
  for (const section of ['secrets', 'configs'] as const) {
    for (const [key, res] of Object.entries(project[section] ?? {})) {
      const sources = ['file', 'environment', 'content'].filter((k) => res[k as keyof typeof res] !== undefined);
      const what = section.slice(0, -1);
      if (res.external === true || res.driver !== undefined) continue;
      if (sources.length === 0) fail('invalid_value', `${what} "${key}" must declare one of file, environment${section === 'configs' ? ', content' : ''} or external`, locator, [section, key]);
      if (sources.length > 1) fail('conflict', `${what} "${key}" declares more than one of ${sources.join(', ')}`, locator, [section, key]);
    }
  }
}

/** Container names are global on the engine: two services cannot ask for the same one. */
function checkContainerNames(project: Project, locator: Locator): void {
  const owners = new Map<string, string>();
  for (const [name, svc] of Object.entries(project.services)) {
    if (svc.container_name === undefined) continue;
    const other = owners.get(svc.container_name);
    if (other !== undefined) {
      fail('conflict', `services "${other}" and "${name}" both set container_name "${svc.container_name}"`, locator, ['services', name, 'container_name']);
    }
    owners.set(svc.container_name, name);
  }
}

export function checkConsistency(project: Project, locator: Locator): void {
  checkResources(project, locator);
  for (const [name, svc] of Object.entries(project.services)) {
    checkDefinition(name, svc, locator);
    checkConflicts(name, svc, locator);
    checkServiceRefs(name, svc, project, locator);
    checkResourceRefs(name, svc, project, locator);
  }
  checkContainerNames(project, locator);
  checkPublishedPorts(project, locator);
}
