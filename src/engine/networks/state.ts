import type { PortBinding } from '../types.js';

// What berth remembers about networks and sandboxes, as written to disk. Kernel objects
// (bridges, netns, veths) persist on their own; these records let a restarted berthd
// rebuild DNS records and port proxies, and let `remove` find what to delete.

export interface EndpointState {
  containerId: string;
  containerName: string;
  endpointId: string;
  ip: string;
  mac: string;
  aliases: string[];
  /** Names answered by the DNS responder: container name, aliases, short ID. */
  dnsNames: string[];
  /** Interface name inside the sandbox (eth0, eth1, ...). */
  ifname: string;
  /** Host side of the veth pair, attached to the network's bridge. */
  hostVeth: string;
}

export type NetworkDriver = 'bridge' | 'host' | 'null';

export interface NetworkState {
  version: 1;
  id: string;
  name: string;
  created: string;
  driver: NetworkDriver;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipamOptions: Record<string, string>;
  /** Docker's predefined networks (bridge, host, none) cannot be removed. */
  predefined: boolean;
  /** Bridge networks only. */
  bridge?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  /** Whether the DNS responder answers container names (Docker: not on the default bridge). */
  dnsNames: boolean;
  endpoints: Record<string, EndpointState>;
}

export interface SandboxState {
  version: 1;
  containerId: string;
  containerName: string;
  netnsPath: string;
  /** Network IDs in attachment order (the first one carries the default route). */
  networks: string[];
  /** Published ports with hostPort resolved. */
  ports: PortBinding[];
}
