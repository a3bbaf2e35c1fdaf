import type { EndpointSettings } from '../types.js';
import { prefixOf } from './network-record.js';
import type { EndpointState, NetworkState } from './state.js';

// Docker's EndpointSettings (container inspect, NetworkSettings.Networks[name]).
export function endpointSettings(n: NetworkState, e: EndpointState): EndpointSettings {
  return {
    NetworkID: n.id,
    EndpointID: e.endpointId,
    Gateway: n.gateway ?? '',
    IPAddress: e.ip,
    IPPrefixLen: prefixOf(n.subnet),
    MacAddress: e.mac,
    Aliases: e.aliases,
    DNSNames: e.dnsNames,
  };
}

/** Names a container answers to on a network: its name, aliases, short ID (as Docker). */
export function dnsNamesOf(containerId: string, containerName: string, aliases: string[]): string[] {
  const names = [containerName, ...aliases, containerId.slice(0, 12)].map((x) => x.replace(/^\//, '')).filter((x) => x !== '');
  return [...new Set(names)];
}
