import type { NetworkConfig, Project, VolumeConfig } from '../compose/model.js';
import type { NetworkCreateRequest } from '../engine/types.js';
import type { VolumeCreateBody } from '../client/api/volumes.js';
import { BERTH_COMPOSE_VERSION, Labels } from './labels.js';

// Networks and volumes a set of services uses, and the engine bodies that create them.

/** Network keys the services attach to (the implicit `default` included). */
export function networksUsed(project: Project, services: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const name of services) {
    const svc = project.services[name];
    if (!svc || svc.network_mode !== undefined) continue;
    for (const key of Object.keys(svc.networks ?? { default: null })) keys.add(key);
  }
  return [...keys].sort();
}

/** Named volume keys (declared at top level) the services mount. */
export function volumesUsed(project: Project, services: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const name of services) {
    for (const vol of project.services[name]?.volumes ?? []) {
      if (vol.type === 'volume' && vol.source && project.volumes?.[vol.source]) keys.add(vol.source);
    }
  }
  return [...keys].sort();
}

export function networkCreateBody(project: string, key: string, cfg: NetworkConfig | undefined, name: string): NetworkCreateRequest {
  const body: NetworkCreateRequest = {
    Name: name,
    Driver: cfg?.driver ?? 'bridge',
    CheckDuplicate: true,
    Labels: { ...(cfg?.labels ?? {}), [Labels.project]: project, [Labels.network]: key, [Labels.version]: BERTH_COMPOSE_VERSION },
  };
  if (cfg?.internal) body.Internal = true;
  if (cfg?.attachable) body.Attachable = true;
  if (cfg?.enable_ipv6) body.EnableIPv6 = true;
  if (cfg?.driver_opts) body.Options = cfg.driver_opts;
  const pools = cfg?.ipam.config ?? [];
  if (pools.length || cfg?.ipam.driver) {
    body.IPAM = {
      Driver: cfg?.ipam.driver ?? 'default',
      Config: pools.map((p) => ({ ...(p.subnet ? { Subnet: p.subnet } : {}), ...(p.gateway ? { Gateway: p.gateway } : {}), ...(p.ip_range ? { IPRange: p.ip_range } : {}) })),
      ...(cfg?.ipam.options ? { Options: cfg.ipam.options } : {}),
    };
  }
  return body;
}

export function volumeCreateBody(project: string, key: string, cfg: VolumeConfig | undefined, name: string): VolumeCreateBody {
  return {
    Name: name,
    Driver: cfg?.driver ?? 'local',
    ...(cfg?.driver_opts ? { DriverOpts: cfg.driver_opts } : {}),
    Labels: { ...(cfg?.labels ?? {}), [Labels.project]: project, [Labels.volume]: key, [Labels.version]: BERTH_COMPOSE_VERSION },
  };
}
