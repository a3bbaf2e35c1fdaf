import type { HealthcheckConfig, Project, ServiceConfig } from '../compose/model.js';
import type { ContainerCreateBody, HealthConfig, HostConfig } from '../client/api/wire.js';
import { BerthError } from '../errors.js';
import { networkingOf, type ContainerNetworking } from './container-network.js';
import { inlineFilesOf, storageOf, type InlineFile } from './container-mounts.js';
import { volumesFromService } from './dependencies.js';
import { BERTH_COMPOSE_VERSION, Labels } from './labels.js';
import { durationToNanos, durationToSeconds, toBytes } from './units.js';

// A ServiceConfig (one replica) as the body of Docker's POST /containers/create. Pure:
// everything it needs about other objects comes in through the context.

export interface ContainerContext {
  project: Project;
  service: string;
  number: number;
  name: string;
  configHash: string;
  workingDir: string;
  configFiles: string[];
  oneoff?: boolean;
  /** A one-off container answers to the service name and aliases only with --use-aliases. */
  useAliases?: boolean;
  /** Engine name of a service's first container (network_mode service:, volumes_from). */
  serviceContainer: (service: string) => string;
  /** Anonymous volumes to carry over from the container being replaced (target → name). */
  reuseVolumes?: Record<string, string>;
  /** The project's environment (process and .env), for environment entries named without a value and `environment:` secrets. */
  hostEnv?: Record<string, string | undefined>;
}

export interface ContainerSpec {
  name: string;
  body: ContainerCreateBody;
  networking: ContainerNetworking;
  /** Secrets and configs given inline, written into the container after create. */
  files: InlineFile[];
}

export function containerSpec(ctx: ContainerContext): ContainerSpec {
  const svc = ctx.project.services[ctx.service];
  if (!svc) throw new BerthError('not_found', `no such service: ${ctx.service}`);
  const storage = storageOf(ctx.project, ctx.service, svc, ctx.reuseVolumes);
  const networking = networkingOf(ctx.project, ctx.service, svc, ctx.name, ctx.serviceContainer, !ctx.oneoff || ctx.useAliases === true);
  const { exposed, bindings } = portsOf(svc);

  const host: HostConfig = {
    NetworkMode: networking.mode,
    ...(storage.binds.length ? { Binds: storage.binds } : {}),
    ...(storage.mounts.length ? { Mounts: storage.mounts } : {}),
    ...(Object.keys(storage.tmpfs).length ? { Tmpfs: storage.tmpfs } : {}),
    ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
    ...restartOf(svc),
    ...resourcesOf(svc),
  };
  const volumesFrom = (svc.volumes_from ?? []).map((entry) => volumesFromRef(entry, ctx.serviceContainer));
  if (volumesFrom.length) host.VolumesFrom = volumesFrom;
  if (svc.init !== undefined) host.Init = svc.init;
  if (svc.extra_hosts?.length) host.ExtraHosts = svc.extra_hosts.map(dockerExtraHost);
  if (svc.cap_add?.length) host.CapAdd = svc.cap_add;
  if (svc.cap_drop?.length) host.CapDrop = svc.cap_drop;
  if (svc.read_only) host.ReadonlyRootfs = true;
  if (svc.privileged) host.Privileged = true;
  if (svc.ulimits) host.Ulimits = Object.entries(svc.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard }));
  if (svc.sysctls && Object.keys(svc.sysctls).length) host.Sysctls = svc.sysctls;
  if (svc.dns?.length) host.Dns = svc.dns;
  if (svc.dns_search?.length) host.DnsSearch = svc.dns_search;
  if (svc.dns_opt?.length) host.DnsOptions = svc.dns_opt;
  if (svc.group_add?.length) host.GroupAdd = svc.group_add;
  if (svc.shm_size !== undefined) host.ShmSize = toBytes(svc.shm_size);
  if (svc.security_opt?.length) host.SecurityOpt = svc.security_opt;
  if (svc.pid) host.PidMode = svc.pid;
  if (svc.ipc) host.IpcMode = svc.ipc;
  if (svc.logging) {
    const options = Object.entries(svc.logging.options ?? {}).filter((e): e is [string, string] => e[1] !== null);
    // An empty Type is the engine's default driver, as Compose sends it.
    host.LogConfig = { Type: svc.logging.driver ?? '', ...(options.length ? { Config: Object.fromEntries(options) } : {}) };
  }
  if (svc.devices?.length) host.Devices = svc.devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target ?? d.source, CgroupPermissions: d.permissions ?? 'rwm' }));

  const body: ContainerCreateBody = {
    Image: imageOf(ctx.project.name, ctx.service, svc),
    Labels: labelsOf(ctx, svc),
    HostConfig: host,
  };
  if (svc.command) body.Cmd = svc.command;
  if (svc.entrypoint) body.Entrypoint = svc.entrypoint;
  const env = environmentOf(svc, ctx.hostEnv);
  if (env.length) body.Env = env;
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  if (storage.anonymous.length) body.Volumes = Object.fromEntries(storage.anonymous.map((t) => [t, {}]));
  const health = healthOf(svc.healthcheck);
  if (health) body.Healthcheck = health;
  if (svc.stop_signal) body.StopSignal = svc.stop_signal;
  if (svc.stop_grace_period !== undefined) body.StopTimeout = durationToSeconds(svc.stop_grace_period);
  if (svc.user) body.User = svc.user;
  if (svc.working_dir) body.WorkingDir = svc.working_dir;
  if (svc.hostname) body.Hostname = svc.hostname;
  if (svc.domainname) body.Domainname = svc.domainname;
  if (svc.tty) body.Tty = true;
  if (svc.stdin_open) {
    body.OpenStdin = true;
    body.AttachStdin = true;
    // A one-off run's stdin closes when the user's does (docker run -i's StdinOnce).
    if (ctx.oneoff) body.StdinOnce = true;
  }
  // Every endpoint, primary first (Engine API 1.44 semantics, which berthd follows). For
  // dockerd before 1.44 the client creates on the primary and connects the rest before
  // start: either way the container is on all its networks before its process starts.
  if (networking.primary) {
    const all = [networking.primary, ...networking.extra];
    body.NetworkingConfig = { EndpointsConfig: Object.fromEntries(all.map((e) => [e.network, e.endpoint])) };
  }
  return { name: ctx.name, body, networking, files: inlineFilesOf(ctx.project, ctx.service, svc, ctx.hostEnv ?? {}) };
}

/** As compose-go: an empty `image` is none (a built service then gets the default name). */
export function imageOf(project: string, service: string, svc: ServiceConfig): string {
  return svc.image || `${project}-${service}`;
}

function labelsOf(ctx: ContainerContext, svc: ServiceConfig): Record<string, string> {
  const deps = Object.entries(svc.depends_on ?? {}).map(([name, d]) => `${name}:${d.condition}:${d.restart === true}`);
  return {
    ...(svc.labels ?? {}),
    [Labels.project]: ctx.project.name,
    [Labels.service]: ctx.service,
    [Labels.containerNumber]: String(ctx.number),
    [Labels.configHash]: ctx.configHash,
    [Labels.oneoff]: ctx.oneoff ? 'True' : 'False',
    [Labels.workingDir]: ctx.workingDir,
    [Labels.configFiles]: ctx.configFiles.join(','),
    [Labels.version]: BERTH_COMPOSE_VERSION,
    [Labels.dependsOn]: deps.join(','),
    [Labels.image]: imageOf(ctx.project.name, ctx.service, svc),
    ...(ctx.oneoff ? { [Labels.slug]: ctx.name } : {}),
  };
}

function environmentOf(svc: ServiceConfig, hostEnv: Record<string, string | undefined> | undefined): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(svc.environment ?? {})) {
    if (value !== null) out.push(`${key}=${value}`);
    else if (hostEnv?.[key] !== undefined) out.push(`${key}=${hostEnv[key]}`);
    // Named without a value and unset on the host: Compose leaves it out.
  }
  return out;
}

function portsOf(svc: ServiceConfig): { exposed: Record<string, Record<string, never>>; bindings: NonNullable<HostConfig['PortBindings']> } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: NonNullable<HostConfig['PortBindings']> = {};
  for (const entry of svc.expose ?? []) {
    const [port, proto] = entry.split('/');
    exposed[`${port}/${proto ?? 'tcp'}`] = {};
  }
  for (const p of svc.ports ?? []) {
    const key = `${p.target}/${p.protocol || 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  return { exposed, bindings };
}

export function healthOf(hc: HealthcheckConfig | undefined): HealthConfig | undefined {
  if (!hc) return undefined;
  if (hc.disable) return { Test: ['NONE'] };
  const out: HealthConfig = {};
  if (hc.test) out.Test = hc.test;
  if (hc.interval !== undefined) out.Interval = durationToNanos(hc.interval);
  if (hc.timeout !== undefined) out.Timeout = durationToNanos(hc.timeout);
  if (hc.start_period !== undefined) out.StartPeriod = durationToNanos(hc.start_period);
  if (hc.start_interval !== undefined) out.StartInterval = durationToNanos(hc.start_interval);
  if (hc.retries !== undefined) out.Retries = hc.retries;
  return out;
}

function restartOf(svc: ServiceConfig): Pick<HostConfig, 'RestartPolicy'> {
  const policy = svc.restart ?? deployRestart(svc);
  if (!policy) return {};
  const [name, count] = policy.split(':');
  if (name === 'on-failure' && count !== undefined) return { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: Number(count) } };
  return { RestartPolicy: { Name: name === 'no' ? '' : (name ?? '') } };
}

function deployRestart(svc: ServiceConfig): string | undefined {
  const rp = svc.deploy?.restart_policy;
  if (!rp?.condition) return undefined;
  if (rp.condition === 'none') return 'no';
  if (rp.condition === 'on-failure') return rp.max_attempts ? `on-failure:${rp.max_attempts}` : 'on-failure';
  return 'always';
}

function resourcesOf(svc: ServiceConfig): Partial<HostConfig> {
  const limits = svc.deploy?.resources?.limits;
  const reservations = svc.deploy?.resources?.reservations;
  const out: Partial<HostConfig> = {};
  const memory = svc.mem_limit ?? limits?.memory;
  if (memory !== undefined) out.Memory = toBytes(memory);
  const reservation = svc.mem_reservation ?? reservations?.memory;
  if (reservation !== undefined) out.MemoryReservation = toBytes(reservation);
  const cpus = svc.cpus ?? limits?.cpus;
  if (cpus !== undefined && cpus > 0) out.NanoCpus = Math.round(Number(cpus) * 1e9);
  const pids = svc.pids_limit ?? limits?.pids;
  if (pids !== undefined) out.PidsLimit = pids;
  return out;
}

function volumesFromRef(entry: string, serviceContainer: (service: string) => string): string {
  const service = volumesFromService(entry);
  if (service === undefined) return entry.slice('container:'.length);
  const mode = entry.endsWith(':ro') ? ':ro' : entry.endsWith(':rw') ? ':rw' : '';
  return `${serviceContainer(service)}${mode}`;
}

// The model writes extra_hosts as "host=ip"; Docker's API wants "host:ip".
function dockerExtraHost(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : `${entry.slice(0, eq)}:${entry.slice(eq + 1)}`;
}
