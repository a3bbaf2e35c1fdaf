// Contracts of the runtime layer. The engine (src/engine/containers) describes a container
// with a ContainerDefinition; spec.ts turns it into an OCI config.json; a RuntimeDriver
// (berth-core, runc or crun, chosen by configuration) runs the bundle under a berth-shim.

/** One mount, in OCI terms (destination inside the container). */
export interface MountDefinition {
  destination: string;
  type: 'bind' | 'tmpfs' | 'proc' | 'sysfs' | 'devpts' | 'mqueue' | 'cgroup' | string;
  source: string;
  options: string[];
}

export interface ResourceLimits {
  /** bytes; 0/undefined = unlimited */
  memory?: number;
  memoryReservation?: number;
  /** bytes incl. swap; -1 = unlimited swap */
  memorySwap?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

export interface Ulimit {
  name: string; // e.g. "nofile" (Docker style) → RLIMIT_NOFILE
  soft: number;
  hard: number;
}

/** How the container gets its namespaces: new, the host's, or joined by path. */
export type NamespaceMode = { kind: 'new' } | { kind: 'host' } | { kind: 'path'; path: string };

export interface ContainerDefinition {
  id: string;
  /** Absolute path of the (already mounted) root filesystem. */
  rootfs: string;
  readonlyRootfs?: boolean;
  /** Full argv (entrypoint + cmd already resolved). */
  args: string[];
  env: string[];
  cwd: string;
  /** Resolved numeric identity (the engine resolves names against the image's /etc/passwd). */
  user: { uid: number; gid: number; additionalGids?: number[]; umask?: number };
  hostname?: string;
  domainname?: string;
  tty?: boolean;
  openStdin?: boolean;
  /** Extra mounts (binds, volumes, tmpfs, /etc/hosts, /etc/resolv.conf, secrets). */
  mounts: MountDefinition[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  noNewPrivileges?: boolean;
  resources?: ResourceLimits;
  ulimits?: Ulimit[];
  sysctls?: Record<string, string>;
  /** Size of /dev/shm in bytes (Docker default 64 MiB). */
  shmSize?: number;
  network: NamespaceMode;
  ipc?: NamespaceMode;
  pid?: NamespaceMode;
  uts?: NamespaceMode;
  /** cgroup path relative to the controllers' roots, e.g. "/berth/<id>". */
  cgroupsPath: string;
  /** Run a minimal init (berth-core's) as pid 1 that reaps zombies and forwards signals. */
  init?: boolean;
  /** Extra device nodes (privileged gets all host devices). */
  devices?: { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode?: number; uid?: number; gid?: number }[];
  annotations?: Record<string, string>;
  oomScoreAdj?: number;
}

/** The OCI runtime state, as `runtime state ID` prints it. */
export interface OciState {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped' | 'paused';
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}

/** The OCI "process" object used by exec (and by spec.ts for the container's own process). */
export interface OciProcess {
  terminal?: boolean;
  user: { uid: number; gid: number; additionalGids?: number[]; umask?: number };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: { bounding?: string[]; effective?: string[]; permitted?: string[]; inheritable?: string[]; ambient?: string[] };
  noNewPrivileges?: boolean;
  rlimits?: { type: string; hard: number; soft: number }[];
  consoleSize?: { height: number; width: number };
}

/** What a shim records when the container's init exits (STATE_DIR/exit.json). */
export interface ExitRecord {
  exitCode: number;
  /** Set when the process was killed by a signal (exitCode is then 128 + signal). */
  signal?: number;
  exitedAt: string; // RFC 3339 with nanoseconds
  oomKilled?: boolean;
}

export interface CreateOptions {
  id: string;
  bundle: string;
  /** Per-container directory where the shim keeps shim.pid, init.pid, exit.json, attach.sock. */
  stateDir: string;
  /** Docker json-file log path. */
  logPath: string;
  /** json-file rotation (HostConfig.LogConfig max-size / max-file): bytes, and files kept */
  logMaxSize?: number;
  logMaxFiles?: number;
  tty?: boolean;
  openStdin?: boolean;
}

export interface ExecOptions {
  tty?: boolean;
  /** Detached exec: started under a shim, output to the given log path. */
  detach?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes of stdout and of stderr kept in the result (default 64 KiB each); the rest is discarded. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  /** the process's host pid, when the runtime wrote it */
  pid?: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RuntimeDriver {
  readonly name: 'berth-core' | 'runc' | 'crun';
  /** Start a shim which runs `<runtime> create`; resolves once the container is created. */
  create(opts: CreateOptions): Promise<{ shimPid: number; initPid: number }>;
  start(id: string): Promise<void>;
  state(id: string): Promise<OciState>;
  /** With `stateDir` (the shim's) the shim delivers a numbered signal; the runtime's verb otherwise. */
  kill(id: string, signal: string | number, all?: boolean, stateDir?: string): Promise<void>;
  delete(id: string, force?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Run a process inside a running container and collect its output (health checks, exec). */
  exec(id: string, process: OciProcess, opts?: ExecOptions): Promise<ExecResult>;
}
