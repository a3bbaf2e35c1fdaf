import { type Command, Option } from 'commander';
import { BerthError } from '../../errors.js';
import { keyValueFlags, parseIntFlag } from '../flag-values.js';
import { isIpAddress } from '../../ip-address.js';

// `docker run` / `docker create` flags and their translation into an Engine API
// ContainerCreate body. Pure: flags in, request body out.

export interface RunFlags {
  name?: string;
  env: string[];
  envFile: string[];
  publish: string[];
  publishAll?: boolean;
  volume: string[];
  mount: string[];
  tmpfs: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  network?: string;
  networkAlias: string[];
  ip?: string;
  hostname?: string;
  restart?: string;
  memory?: string;
  memoryReservation?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: string;
  pidsLimit?: string;
  capAdd: string[];
  capDrop: string[];
  privileged?: boolean;
  readOnly?: boolean;
  init?: boolean;
  label: string[];
  interactive?: boolean;
  tty?: boolean;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  /** false with --no-healthcheck (commander's negated option). */
  healthcheck?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  ulimit: string[];
  sysctl: string[];
  addHost: string[];
  dns: string[];
  shmSize?: string;
  rm?: boolean;
  logDriver?: string;
  logOpt?: string[];
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'assign a name to the container')
    .option('-e, --env <KEY=VALUE>', 'set environment variables', collect, [])
    .option('--env-file <file>', 'read in a file of environment variables', collect, [])
    .option('-p, --publish <[ip:]host:container[/proto]>', 'publish a container port to the host', collect, [])
    .option('-P, --publish-all', 'publish all exposed ports to random ports')
    .option('-v, --volume <src:dst[:opts]>', 'bind mount a volume', collect, [])
    .option('--mount <spec>', 'attach a filesystem mount (type=bind|volume|tmpfs,source=,target=,readonly)', collect, [])
    .option('--tmpfs <path[:opts]>', 'mount a tmpfs directory', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .option('--entrypoint <cmd>', 'overwrite the default ENTRYPOINT of the image')
    .option('--network <net>', 'connect a container to a network (bridge, host, none, container:<id>, or a name)')
    .option('--network-alias <alias>', 'add a network-scoped alias', collect, [])
    .option('--ip <addr>', 'IPv4 address on the network')
    .option('-h, --hostname <name>', 'container host name')
    .option('--log-driver <driver>', 'logging driver for the container (json-file)')
    .option('--log-opt <key=value>', 'log driver options (max-size, max-file)', collect, [])
    .helpOption('--help', 'display help for command')
    .option('--restart <policy>', 'restart policy: no, always, on-failure[:N], unless-stopped')
    .option('-m, --memory <bytes>', 'memory limit')
    .option('--memory-reservation <bytes>', 'memory soft limit')
    .option('--memory-swap <bytes>', 'swap limit equal to memory plus swap: -1 for unlimited')
    .option('--cpus <n>', 'number of CPUs')
    .option('-c, --cpu-shares <n>', 'CPU shares (relative weight)')
    .option('--pids-limit <n>', 'tune container pids limit (-1 for unlimited)')
    .option('--cap-add <cap>', 'add Linux capabilities', collect, [])
    .option('--cap-drop <cap>', 'drop Linux capabilities', collect, [])
    .option('--privileged', 'give extended privileges to this container')
    .option('--read-only', "mount the container's root filesystem as read only")
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .option('-l, --label <KEY=VALUE>', 'set metadata on a container', collect, [])
    .option('-i, --interactive', 'keep STDIN open even if not attached')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('--health-cmd <cmd>', 'command to run to check health')
    .option('--health-interval <duration>', 'time between running the check (ms|s|m|h)')
    .option('--health-timeout <duration>', 'maximum time to allow one check to run')
    .option('--health-retries <n>', 'consecutive failures needed to report unhealthy')
    .option('--health-start-period <duration>', 'start period for the container to initialize')
    .option('--health-start-interval <duration>', 'time between checks during the start period')
    .option('--no-healthcheck', 'disable any container-specified HEALTHCHECK')
    .option('--stop-signal <signal>', 'signal to stop the container')
    .option('--stop-timeout <seconds>', 'timeout (in seconds) to stop a container')
    .option('--ulimit <name=soft[:hard]>', 'ulimit options', collect, [])
    .option('--sysctl <key=value>', 'sysctl options', collect, [])
    .option('--add-host <host:ip>', 'add a custom host-to-IP mapping', collect, [])
    .option('--dns <ip>', 'set custom DNS servers', collect, [])
    .addOption(new Option('--shm-size <bytes>', 'size of /dev/shm'));
}

function usage(message: string): BerthError {
  return new BerthError('usage', message);
}

/** "512m", "1g", "1024" → bytes (Docker's RAMInBytes: binary units). */
export function parseBytes(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!m) throw usage(`invalid size for ${flag}: ${JSON.stringify(value)} (expected e.g. 512m, 1g)`);
  const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
  return Math.round(Number(m[1]) * (units[(m[2] ?? '').toLowerCase()] ?? 1));
}

/** Go-style durations ("1m30s", "500ms", "10s", "2h") → nanoseconds. */
export function parseDurationNs(value: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const factors: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * (factors[m[2] ?? 's'] ?? 1);
    consumed += m[0].length;
  }
  if (consumed !== value.length || value.length === 0) throw usage(`invalid duration for ${flag}: ${JSON.stringify(value)} (expected e.g. 30s, 1m30s, 500ms)`);
  return Math.round(total);
}

export interface PortSpec {
  hostIp: string;
  hostPort: string;
  containerPort: string; // "80/tcp"
}

/** `-p` forms: 80, 8080:80, 127.0.0.1:8080:80, 127.0.0.1::80, 8000-8001:80-81, 53:53/udp. */
export function parsePublish(spec: string): PortSpec[] {
  const [addr = '', proto = 'tcp'] = spec.split('/');
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw usage(`invalid protocol in -p ${spec}`);
  const parts = addr.startsWith('[') ? splitBracketed(addr) : addr.split(':');
  // As docker's nat.ParsePortSpec: the last two parts are the ports, all before them the IP
  // (an IPv6 address may come unbracketed).
  const containerPart = parts.at(-1) ?? '';
  const hostPart = parts.length >= 2 ? (parts.at(-2) ?? '') : '';
  const hostIp = parts.slice(0, -2).join(':');
  if (hostIp !== '' && !isIpAddress(hostIp)) throw usage(`invalid -p ${spec}: invalid IP address: ${hostIp}`);
  const containers = range(containerPart, spec);
  const hosts = hostPart === '' ? [] : range(hostPart, spec);
  if (hosts.length > 1 && hosts.length !== containers.length) throw usage(`invalid -p ${spec}: host and container port ranges differ in size`);
  return containers.map((c, i) => ({
    hostIp,
    hostPort: hosts.length === 0 ? '' : String(hosts.length === 1 ? hosts[0] : hosts[i]),
    containerPort: `${c}/${proto}`,
  }));
}

function splitBracketed(addr: string): string[] {
  const end = addr.indexOf(']');
  const ip = addr.slice(1, end);
  const rest = addr.slice(end + 2).split(':');
  return [ip, ...rest];
}

function range(text: string, spec: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw usage(`invalid port ${JSON.stringify(text)} in -p ${spec}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from) throw usage(`invalid port range ${text} in -p ${spec}`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function parseMount(spec: string): Record<string, unknown> {
  const fields: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    fields[(i < 0 ? part : part.slice(0, i)).toLowerCase()] = i < 0 ? 'true' : part.slice(i + 1);
  }
  const target = fields.target ?? fields.destination ?? fields.dst;
  if (!target) throw usage(`--mount ${spec}: target is required`);
  const mount: Record<string, unknown> = {
    Type: fields.type ?? 'volume',
    Source: fields.source ?? fields.src ?? '',
    Target: target,
    ReadOnly: fields.readonly === 'true' || fields.ro === 'true' || fields.readonly === '1',
  };
  if (fields['tmpfs-size']) mount.TmpfsOptions = { SizeBytes: parseBytes(fields['tmpfs-size'], '--mount tmpfs-size') };
  return mount;
}

function parseRestart(policy: string): { Name: string; MaximumRetryCount: number } {
  const [name = 'no', count] = policy.split(':');
  if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(name)) throw usage(`invalid --restart policy ${JSON.stringify(policy)}`);
  if (count !== undefined && name !== 'on-failure') throw usage(`--restart ${policy}: a retry count is only valid with on-failure`);
  if (count !== undefined && !/^\d+$/.test(count)) throw usage(`invalid restart policy format: maximum retry count must be an integer: ${JSON.stringify(policy)}`);
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

/** Build the ContainerCreate body (Config + HostConfig + NetworkingConfig). */
export function createBody(image: string, command: string[], flags: RunFlags, envFromFiles: string[] = []): Record<string, unknown> {
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const spec of flags.publish) {
    for (const p of parsePublish(spec)) {
      exposed[p.containerPort] = {};
      (portBindings[p.containerPort] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort });
    }
  }
  const ulimits = flags.ulimit.map((u) => {
    const [name, limits = ''] = u.split('=');
    const [soft, hard = soft] = limits.split(':');
    if (!name || !soft || Number.isNaN(Number(soft)) || Number.isNaN(Number(hard))) throw usage(`invalid --ulimit ${u}: expected name=soft[:hard]`);
    return { Name: name, Soft: Number(soft), Hard: Number(hard) };
  });
  const tmpfs: Record<string, string> = {};
  for (const t of flags.tmpfs) {
    const [path = '', opts = ''] = t.split(/:(.*)/s);
    tmpfs[path] = opts;
  }
  let healthcheck: Record<string, unknown> | undefined;
  if (flags.healthcheck === false) healthcheck = { Test: ['NONE'] };
  else if (flags.healthCmd !== undefined || flags.healthInterval || flags.healthRetries || flags.healthTimeout || flags.healthStartPeriod) {
    healthcheck = {
      ...(flags.healthCmd !== undefined ? { Test: ['CMD-SHELL', flags.healthCmd] } : {}),
      ...(flags.healthInterval ? { Interval: parseDurationNs(flags.healthInterval, '--health-interval') } : {}),
      ...(flags.healthTimeout ? { Timeout: parseDurationNs(flags.healthTimeout, '--health-timeout') } : {}),
      ...(flags.healthStartPeriod ? { StartPeriod: parseDurationNs(flags.healthStartPeriod, '--health-start-period') } : {}),
      ...(flags.healthStartInterval ? { StartInterval: parseDurationNs(flags.healthStartInterval, '--health-start-interval') } : {}),
      ...(flags.healthRetries ? { Retries: parseIntFlag('health-retries', flags.healthRetries) } : {}),
    };
  }
  const network = flags.network ?? 'bridge';
  // On a predefined network too: the engine refuses aliases and an address there, as dockerd does.
  const endpoint = !network.startsWith('container:') && (flags.networkAlias.length > 0 || flags.ip)
    ? { [network === 'default' ? 'bridge' : network]: { Aliases: flags.networkAlias, ...(flags.ip ? { IPAMConfig: { IPv4Address: flags.ip } } : {}) } }
    : undefined;
  const cpus = flags.cpus === undefined ? undefined : Number(flags.cpus);
  if (cpus !== undefined && !(cpus > 0)) throw usage(`invalid --cpus ${flags.cpus}`);

  return {
    Image: image,
    Cmd: command.length > 0 ? command : undefined,
    Entrypoint: flags.entrypoint === undefined ? undefined : flags.entrypoint === '' ? [''] : [flags.entrypoint],
    Env: [...envFromFiles, ...flags.env],
    WorkingDir: flags.workdir ?? '',
    User: flags.user ?? '',
    Hostname: flags.hostname ?? '',
    Labels: keyValueFlags(flags.label),
    ExposedPorts: exposed,
    Tty: flags.tty === true,
    OpenStdin: flags.interactive === true,
    AttachStdin: flags.interactive === true,
    StdinOnce: flags.interactive === true,
    AttachStdout: true,
    AttachStderr: true,
    StopSignal: flags.stopSignal,
    StopTimeout: flags.stopTimeout === undefined ? undefined : parseIntFlag('stop-timeout', flags.stopTimeout),
    Healthcheck: healthcheck,
    HostConfig: {
      Binds: flags.volume,
      Mounts: flags.mount.map(parseMount),
      Tmpfs: tmpfs,
      PortBindings: portBindings,
      PublishAllPorts: flags.publishAll === true,
      RestartPolicy: flags.restart ? parseRestart(flags.restart) : { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: flags.rm === true,
      NetworkMode: network === 'default' ? 'bridge' : network,
      Memory: flags.memory ? parseBytes(flags.memory, '--memory') : 0,
      MemoryReservation: flags.memoryReservation ? parseBytes(flags.memoryReservation, '--memory-reservation') : 0,
      MemorySwap: flags.memorySwap ? (flags.memorySwap === '-1' ? -1 : parseBytes(flags.memorySwap, '--memory-swap')) : 0,
      NanoCpus: cpus === undefined ? 0 : Math.round(cpus * 1e9),
      CpuShares: flags.cpuShares ? parseIntFlag('cpu-shares', flags.cpuShares) : 0,
      PidsLimit: flags.pidsLimit ? parseIntFlag('pids-limit', flags.pidsLimit) : null,
      CapAdd: flags.capAdd,
      CapDrop: flags.capDrop,
      Privileged: flags.privileged === true,
      ReadonlyRootfs: flags.readOnly === true,
      Init: flags.init === true ? true : null,
      Ulimits: ulimits,
      Sysctls: keyValueFlags(flags.sysctl, '--sysctl'),
      ExtraHosts: flags.addHost,
      Dns: flags.dns,
      ShmSize: flags.shmSize ? parseBytes(flags.shmSize, '--shm-size') : 0,
      LogConfig: { Type: flags.logDriver ?? 'json-file', Config: keyValueFlags(flags.logOpt ?? [], '--log-opt') },
    },
    NetworkingConfig: endpoint ? { EndpointsConfig: endpoint } : undefined,
  };
}
