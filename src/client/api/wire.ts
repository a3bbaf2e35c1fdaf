// Docker Engine API 1.41 wire shapes for containers and exec (the fields berth reads or
// writes). Pure types, so plan/ can describe request bodies without importing I/O.

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface PortBindingWire {
  HostIp?: string;
  HostPort?: string;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface HostConfig {
  Binds?: string[];
  Mounts?: MountSpec[];
  Tmpfs?: Record<string, string>;
  PortBindings?: Record<string, PortBindingWire[]>;
  NetworkMode?: string;
  VolumesFrom?: string[];
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
  Init?: boolean;
  ExtraHosts?: string[];
  CapAdd?: string[];
  CapDrop?: string[];
  ReadonlyRootfs?: boolean;
  Ulimits?: Ulimit[];
  Sysctls?: Record<string, string>;
  Memory?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  PidsLimit?: number;
  Privileged?: boolean;
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  GroupAdd?: string[];
  ShmSize?: number;
  SecurityOpt?: string[];
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
  PidMode?: string;
  IpcMode?: string;
  Links?: string[];
  LogConfig?: { Type: string; Config?: Record<string, string> };
  AutoRemove?: boolean;
}

export interface EndpointConfig {
  Aliases?: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string };
  Links?: string[];
}

/** The body of POST /containers/create. */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Healthcheck?: HealthConfig;
  StopSignal?: string;
  StopTimeout?: number;
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Domainname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Volumes?: Record<string, Record<string, never>>;
  HostConfig: HostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointConfig> };
}

/** One row of GET /containers/json. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID?: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Labels: Record<string, string>;
  Mounts?: { Type: string; Name?: string; Destination: string }[];
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string }> };
}

export interface HealthLogEntry {
  Start?: string;
  End?: string;
  ExitCode: number;
  Output: string;
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled?: boolean;
  Dead?: boolean;
  Pid: number;
  ExitCode: number;
  Error?: string;
  StartedAt?: string;
  FinishedAt?: string;
  Health?: { Status: string; FailingStreak?: number; Log?: HealthLogEntry[] | null };
}

/** GET /containers/{id}/json (the fields berth reads). */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  State: ContainerState;
  Image: string;
  Config: {
    Image: string;
    Labels: Record<string, string> | null;
    Tty?: boolean;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    StopSignal?: string;
    StopTimeout?: number;
    Healthcheck?: HealthConfig;
  };
  HostConfig: HostConfig;
  NetworkSettings: {
    Ports?: Record<string, PortBindingWire[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; Aliases?: string[] | null }>;
  };
  Mounts?: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

export interface ExecCreateBody {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Env?: string[];
  Cmd: string[];
  User?: string;
  WorkingDir?: string;
  Privileged?: boolean;
  DetachKeys?: string;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid?: number;
}

export interface VersionInfo {
  /** "berth" from berthd; dockerd names its distribution ("Docker Engine - Community") or sends "". */
  Platform?: { Name: string };
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Components?: { Name: string; Version: string }[];
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Config?: { Labels?: Record<string, string> | null } | null;
}
