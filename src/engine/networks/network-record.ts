import type { IpamConfig, NetworkRecord } from '../types.js';
import type { NetworkState } from './state.js';

// Docker's network inspect shape from our state.

export function toRecord(n: NetworkState): NetworkRecord {
  const config: IpamConfig[] = [];
  if (n.subnet) {
    const c: IpamConfig = { Subnet: n.subnet };
    if (n.gateway) c.Gateway = n.gateway;
    if (n.ipRange) c.IPRange = n.ipRange;
    config.push(c);
  }
  const containers: NetworkRecord['Containers'] = {};
  for (const e of Object.values(n.endpoints)) {
    containers[e.containerId] = {
      Name: e.containerName,
      EndpointID: e.endpointId,
      MacAddress: e.mac,
      IPv4Address: `${e.ip}/${prefixOf(n.subnet)}`,
      IPv6Address: '',
    };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: n.enableIPv6,
    IPAM: { Driver: 'default', Options: n.predefined ? null : n.ipamOptions, Config: config },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Options: n.options,
    Labels: n.labels,
    Containers: containers,
  };
}

export function prefixOf(subnet: string | undefined): number {
  return Number(subnet?.split('/')[1] ?? 32);
}
