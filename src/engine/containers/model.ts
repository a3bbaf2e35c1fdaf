import type { EndpointSettings, PortBinding } from '../types.js';

// The engine's record of one container, in Docker's wire names where Docker has one, so
// inspect and list are translations, not reinventions. Persisted as JSON in
// <root>/containers/<id>/config.v2.json; a restarted berthd rebuilds everything from it.

export interface HealthConfig {
  Test?: string[];
  /** nanoseconds */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export type RestartPolicyName = '' | 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface HostConfig {
  Binds: string[] | null;
  Mounts: MountSpec[];
  Tmpfs: Record<string, string>;
  PortBindings: Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  PublishAllPorts: boolean;
  RestartPolicy: { Name: RestartPolicyName; MaximumRetryCount: number };
  Memory: number;
  MemoryReservation: number;
  MemorySwap: number;
  NanoCpus: number;
  CpuShares: number;
  CpuQuota: number;
  CpuPeriod: number;
  CpusetCpus: string;
  PidsLimit: number | null;
  Ulimits: { Name: string; Soft: number; Hard: number }[];
  Sysctls: Record<string, string>;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  Init: boolean | null;
  NetworkMode: string;
  ExtraHosts: string[] | null;
  Dns: string[];
  DnsSearch: string[];
  DnsOptions: string[];
  ShmSize: number;
  VolumesFrom: string[] | null;
  AutoRemove: boolean;
  LogConfig: { Type: string; Config: Record<string, string> };
  /** [rows, cols] of the tty from the start (API 1.42); absent = none */
  ConsoleSize?: [number, number];
}

export interface EndpointConfig {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string } | null;
}

export interface HealthResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: HealthResult[];
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Pid: number;
  ExitCode: number;
  Error: string;
  OOMKilled: boolean;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

/** A mount as resolved at create time (Docker's inspect `Mounts` entries). */
export interface ResolvedMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** tmpfs options (size=, mode=) */
  TmpfsOptions?: string[];
  /** copy image content into a fresh named volume on first use */
  NoCopy?: boolean;
  /** created for this container only (image VOLUME or a Mount without Source) */
  Anonymous?: boolean;
}

export const UNSET_TIME = '0001-01-01T00:00:00Z';

export interface ContainerRecord {
  Id: string;
  Name: string; // without the leading "/"
  Created: string;
  Path: string;
  Args: string[];
  /** The image reference as asked (Config.Image) and its resolved ID. */
  ImageId: string;
  Config: ContainerConfig;
  HostConfig: HostConfig;
  EndpointsConfig: Record<string, EndpointConfig>;
  Mounts: ResolvedMount[];
  State: ContainerState;
  RestartCount: number;
  /** Stopped by the user: `unless-stopped` does not bring it back with berthd. */
  ManuallyStopped: boolean;
  HasBeenStarted: boolean;
  Network: { SandboxKey: string; Networks: Record<string, EndpointSettings>; Ports: PortBinding[] };
}

/** Running or paused: a process is there (Docker's State.Running is true for both). */
export function isRunning(c: Pick<ContainerRecord, 'State'>): boolean {
  return c.State.Status === 'running' || c.State.Status === 'paused';
}
