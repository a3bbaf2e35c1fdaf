import type { Project } from '../compose/model.js';
import type { NetworkRecord, VolumeRecord } from '../engine/types.js';
import type { ContainerSummary } from '../client/api/wire.js';
import { isNotFound } from '../errors.js';
import { Labels, projectFilter } from './labels.js';
import type { Observed, ObservedContainer } from './observed.js';

// One snapshot of a project's containers, networks and volumes, found by labels, plus
// the external networks/volumes the project refers to. The engine is reached through the
// small interface below (the typed client implements it), so the planner's inputs are
// plain data.

export interface ObserveSource {
  listContainers(filters: Record<string, string[]>): Promise<ContainerSummary[]>;
  listNetworks(filters: Record<string, string[]>): Promise<NetworkRecord[]>;
  listVolumes(filters: Record<string, string[]>): Promise<VolumeRecord[]>;
  inspectNetwork(name: string): Promise<NetworkRecord>;
  inspectVolume(name: string): Promise<VolumeRecord>;
}

export async function observe(source: ObserveSource, projectName: string, project?: Project): Promise<Observed> {
  const filters = { label: [projectFilter(projectName)] };
  const externalNetworks = Object.values(project?.networks ?? {}).filter((n) => n.external).map((n) => n.name);
  const externalVolumes = Object.values(project?.volumes ?? {}).filter((v) => v.external).map((v) => v.name);
  const [containers, networks, volumes, extNets, extVols] = await Promise.all([
    source.listContainers(filters),
    source.listNetworks(filters),
    source.listVolumes(filters),
    existing(externalNetworks, (n) => source.inspectNetwork(n)),
    existing(externalVolumes, (v) => source.inspectVolume(v)),
  ]);
  return {
    project: projectName,
    containers: containers.map(toObservedContainer),
    // Engines match label filters loosely on some versions: keep exact matches only.
    networks: networks
      .filter((n) => n.Labels?.[Labels.project] === projectName)
      .map((n) => ({ id: n.Id, name: n.Name, key: n.Labels[Labels.network] ?? '', labels: n.Labels })),
    volumes: volumes
      .filter((v) => v.Labels?.[Labels.project] === projectName)
      .map((v) => ({ name: v.Name, key: v.Labels[Labels.volume] ?? '', labels: v.Labels })),
    externalNetworks: extNets,
    externalVolumes: extVols,
  };
}

export function toObservedContainer(c: ContainerSummary): ObservedContainer {
  const labels = c.Labels ?? {};
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    service: labels[Labels.service] ?? '',
    number: Number(labels[Labels.containerNumber] ?? 0),
    state: c.State,
    status: c.Status,
    configHash: labels[Labels.configHash] ?? '',
    oneoff: labels[Labels.oneoff] === 'True',
    image: c.Image,
    created: c.Created,
    labels,
    volumes: (c.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => ({ name: m.Name ?? '', target: m.Destination })),
    ports: (c.Ports ?? []).map((p) => ({ ...(p.IP ? { ip: p.IP } : {}), privatePort: p.PrivatePort, ...(p.PublicPort ? { publicPort: p.PublicPort } : {}), type: p.Type })),
  };
}

async function existing(names: string[], inspect: (name: string) => Promise<unknown>): Promise<string[]> {
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        await inspect(name);
        return name;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }),
  );
  return found.filter((n): n is string => n !== undefined);
}
