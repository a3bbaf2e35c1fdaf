import { randomBytes } from 'node:crypto';
import type { Cidr } from './cidr.js';
import { formatCidr, formatIpv4 } from './cidr.js';
import { pickSubnet } from './ipam.js';
import type { NetworkState } from './state.js';

// Docker's three predefined networks. `bridge` is the default network of containers
// without a network of their own; its bridge is named berth0 (Docker: docker0)
// for the default root.

function base(name: string, driver: NetworkState['driver']): NetworkState {
  return {
    version: 1,
    id: randomBytes(32).toString('hex'),
    name,
    created: new Date().toISOString(),
    driver,
    internal: false,
    attachable: false,
    enableIPv6: false,
    labels: {},
    options: {},
    ipamOptions: {},
    predefined: true,
    dnsNames: false,
    endpoints: {},
  };
}

/** The predefined networks missing from `existing`; the bridge subnet avoids `taken`. */
export function missingPredefined(existing: NetworkState[], taken: Cidr[], bridgeName: string): NetworkState[] {
  const names = new Set(existing.filter((n) => n.predefined).map((n) => n.name));
  const out: NetworkState[] = [];
  if (!names.has('bridge')) {
    const subnet = pickSubnet(taken);
    out.push({
      ...base('bridge', 'bridge'),
      bridge: bridgeName,
      subnet: formatCidr(subnet),
      gateway: formatIpv4(subnet.base + 1),
      options: {
        'com.docker.network.bridge.default_bridge': 'true',
        'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.name': bridgeName,
        'com.docker.network.driver.mtu': '1500',
      },
    });
  }
  if (!names.has('host')) out.push(base('host', 'host'));
  if (!names.has('none')) out.push(base('none', 'null'));
  return out;
}
