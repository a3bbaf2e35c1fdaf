import type { Readable, Writable } from 'node:stream';

// The engine's resource services, one interface each (containerd style). The daemon's
// routes only translate Docker Engine API wire shapes and call these; implementations
// live in their own folders (images/, containers/, networks/, volumes/).

// ---------------------------------------------------------------- images

/** The part of the OCI image config that matters for running (Docker's names). */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
}

export interface ImageRecord {
  /** "sha256:<hex>" of the image config blob. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** RFC 3339 */
  created: string;
  /** Sum of uncompressed layer sizes, bytes. */
  size: number;
  architecture: string;
  os: string;
  config: ImageRunConfig;
  /** diff IDs, bottom layer first. */
  layers: string[];
  author?: string;
  comment?: string;
  /** Build steps, oldest first (image config history); `size` is the step's layer size, 0 for empty layers. */
  history?: { created?: string; createdBy?: string; comment?: string; emptyLayer: boolean; size: number }[];
}

export interface ImageService {
  list(): Promise<ImageRecord[]>;
  /** By name[:tag], name@digest, full or short ID. not_found otherwise. */
  inspect(ref: string): Promise<ImageRecord>;
  tag(ref: string, newRef: string): Promise<void>;
  /** Docker's answer shape: [{Untagged}|{Deleted}]. conflict when in use (unless force). */
  remove(ref: string, opts?: { force?: boolean; inUse?: (imageId: string) => boolean }): Promise<{ Untagged?: string; Deleted?: string }[]>;
  /** A root filesystem tarball becomes a one-layer image (docker import). */
  importRootfs(tar: Readable, opts?: { ref?: string; changes?: string[]; message?: string }): Promise<ImageRecord>;
  /** A `docker save` tarball or an OCI image layout archive. */
  load(archive: Readable): Promise<ImageRecord[]>;
  save(refs: string[], out: Writable, format?: 'docker' | 'oci'): Promise<void>;
  /**
   * Mount an overlayfs root for a container: the image's unpacked layers read-only under
   * `<containerDir>/upper` + `<containerDir>/work`, mounted at `<containerDir>/rootfs`.
   * Idempotent. Returns the rootfs path.
   */
  mountRootfs(imageId: string, containerDir: string): Promise<string>;
  /** Unmount (lazily if busy); does not delete the upper dir. Idempotent. */
  unmountRootfs(containerDir: string): Promise<void>;
  /** Absolute paths of the unpacked layer dirs, top-most first (overlay lowerdir order). */
  layerDirs(imageId: string): Promise<string[]>;
}

// ---------------------------------------------------------------- networks

export interface IpamConfig {
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
}

export interface NetworkCreateRequest {
  Name: string;
  Driver?: string; // only "bridge" (and the predefined host/none)
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: IpamConfig[]; Options?: Record<string, string> };
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
  CheckDuplicate?: boolean;
}

/** Docker's network inspect shape (the subset we fill). */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: false;
  /** dockerd's config-only networks, which berth has not: always { Network: '' } and false. */
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
}

export interface EndpointRequest {
  networkId: string;
  /** Names this container answers to on this network (container name, service name, aliases). */
  aliases: string[];
  ipv4Address?: string;
}

export interface EndpointSettings {
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  Aliases: string[];
  DNSNames?: string[];
}

export interface PortBinding {
  /** container port */
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp: string; // "" = all addresses
  hostPort: number; // 0 = pick one
}

/** The network side of one container: its netns with an endpoint on each network. */
export interface Sandbox {
  containerId: string;
  /** Path of the network namespace file the runtime joins. */
  netnsPath: string;
  endpoints: Record<string, EndpointSettings>; // by network name
  /** Ports actually bound on the host (hostPort resolved). */
  ports: PortBinding[];
  /** Nameserver the container's resolv.conf should point at. */
  dnsServers: string[];
  /**
   * Only with createSandbox's `configureLater`: the namespace's endpoint still being set up
   * (a pooled namespace's MAC, address, route). The namespace itself exists: a runtime may
   * create the container in it now; its process must not run before this settles.
   */
  configured?: Promise<void>;
}

export interface NetworkService {
  create(req: NetworkCreateRequest): Promise<NetworkRecord>;
  list(filters?: Record<string, string[]>): Promise<NetworkRecord[]>;
  inspect(idOrName: string): Promise<NetworkRecord>;
  remove(idOrName: string): Promise<void>;
  prune(filters?: Record<string, string[]>): Promise<string[]>;
  /** Make a container's netns and connect it (before its process starts). */
  createSandbox(containerId: string, containerName: string, endpoints: EndpointRequest[], ports: PortBinding[], opts?: { configureLater?: boolean }): Promise<Sandbox>;
  /** Connect/disconnect a running container's sandbox. */
  connect(containerId: string, endpoint: EndpointRequest): Promise<EndpointSettings>;
  disconnect(containerId: string, networkIdOrName: string): Promise<void>;
  /**
   * Remove the netns, veths, port publishing and DNS records of a container. Idempotent.
   * With `deferKernel` it resolves once the container is off its networks (ports closed,
   * endpoints and names gone); the namespace and veth go in the background (their
   * addresses stay reserved until then; close() waits for it).
   */
  /** Resolves with the networks the container left (for their disconnect events). */
  removeSandbox(containerId: string, opts?: { deferKernel?: boolean }): Promise<{ id: string; name: string }[]>;
  /** Rebuild in-memory state (DNS records, port proxies) after a berthd restart. */
  restore(): Promise<void>;
  /** Does the container have a sandbox on record (after restore: one left by an earlier berthd too)? */
  hasSandbox(containerId: string): boolean;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- volumes

export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string> | null;
}

export interface VolumeService {
  create(req: { Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }): Promise<VolumeRecord>;
  list(filters?: Record<string, string[]>): Promise<VolumeRecord[]>;
  inspect(name: string): Promise<VolumeRecord>;
  remove(name: string, opts?: { force?: boolean }): Promise<void>;
  prune(filters?: Record<string, string[]>): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
}

// ---------------------------------------------------------------- events

export interface EngineEvent {
  Type: 'container' | 'network' | 'volume' | 'image' | 'daemon';
  Action: string; // create, start, die, health_status: healthy, destroy, ...
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // legacy fields docker-py still reads
  status?: string;
  id?: string;
  from?: string;
}
