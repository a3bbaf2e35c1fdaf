import type { Project, ServiceConfig, ServiceNetworkConfig } from '../compose/model.js';
import type { EndpointConfig } from '../client/api/wire.js';
import { networkName } from './naming.js';

// The network side of a container: its network mode and one endpoint per network, with
// the names it answers to (service name, aliases, container name) and a fixed address.
// The create body carries every endpoint, primary first (Engine API 1.44, which berthd
// follows); for an engine that speaks less (dockerd 20.10: 1.41), the client creates on
// the primary and connects the others before start, as Compose does
// (client/api/plan-engine.ts).

export interface ContainerNetworking {
  mode: string;
  primary?: { network: string; endpoint: EndpointConfig };
  extra: { network: string; endpoint: EndpointConfig }[];
}

export function networkingOf(
  project: Project,
  serviceName: string,
  service: ServiceConfig,
  name: string,
  serviceContainer: (service: string) => string,
  oneoffAliases = true,
): ContainerNetworking {
  const mode = service.network_mode;
  if (mode !== undefined) {
    if (mode.startsWith('service:')) return { mode: `container:${serviceContainer(mode.slice('service:'.length))}`, extra: [] };
    return { mode, extra: [] };
  }
  const entries = Object.entries(service.networks ?? { default: null }).sort(byPriority);
  const endpoints = entries.map(([key, cfg]) => {
    const network = networkName(project, key);
    const endpoint = endpointOf(serviceName, name, cfg, oneoffAliases);
    // Docker's own bridge (an external network named "bridge") takes no aliases: the engine refuses them there.
    return { network, endpoint: network === 'bridge' ? { ...endpoint, Aliases: [] } : endpoint };
  });
  const [primary, ...extra] = endpoints;
  if (!primary) return { mode: 'none', extra: [] };
  return { mode: primary.network, primary, extra };
}

function endpointOf(serviceName: string, name: string, cfg: ServiceNetworkConfig | null, withAliases: boolean): EndpointConfig {
  const aliases = withAliases ? unique([serviceName, ...(cfg?.aliases ?? []), name]) : [name];
  const endpoint: EndpointConfig = { Aliases: aliases };
  if (cfg?.ipv4_address || cfg?.ipv6_address) {
    endpoint.IPAMConfig = {
      ...(cfg.ipv4_address ? { IPv4Address: cfg.ipv4_address } : {}),
      ...(cfg.ipv6_address ? { IPv6Address: cfg.ipv6_address } : {}),
    };
  }
  return endpoint;
}

// Compose attaches the highest priority network first, then by name.
function byPriority(a: [string, ServiceNetworkConfig | null], b: [string, ServiceNetworkConfig | null]): number {
  const pa = a[1]?.priority ?? 0;
  const pb = b[1]?.priority ?? 0;
  if (pa !== pb) return pb - pa;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
