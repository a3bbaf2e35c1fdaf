import type { Project } from '../compose/model.js';
import { dependenciesOf } from './dependencies.js';
import { imageOf } from './container-config.js';
import { anonymousVolumeNames } from './reconcile.js';
import type { Observed, ObservedContainer } from './observed.js';
import { PlanBuilder, type Plan } from './plan.js';
import { compareNames } from './compare-names.js';

// Pure planners for the lifecycle commands (stop, kill, pause, unpause, rm, down):
// which containers, in which order. Stopping goes dependents first, like Compose.

export interface Selection {
  /** Services named on the command line; empty = all. */
  services?: string[];
  /** Include one-off (`run`) containers. */
  oneoff?: boolean;
}

const isUp = (c: ObservedContainer) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

export function selectContainers(observed: Observed, sel: Selection): ObservedContainer[] {
  return observed.containers
    .filter((c) => (sel.oneoff ? true : !c.oneoff))
    .filter((c) => !sel.services?.length || sel.services.includes(c.service))
    .sort((a, b) => compareNames(a.service, b.service) || a.number - b.number);
}

/**
 * Stop nodes for running containers, each after the stop of every container that
 * depends on it (from the project's graph when there is one, else from the labels).
 */
function addStops(b: PlanBuilder, project: Project | undefined, containers: ObservedContainer[], timeout: number | undefined): Map<string, number> {
  const byService = new Map<string, ObservedContainer[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const deps = (service: string): string[] => {
    const svc = project?.services[service];
    if (svc) return dependenciesOf(svc).map((d) => d.service);
    const label = byService.get(service)?.[0]?.labels['com.docker.compose.depends_on'] ?? '';
    return label.split(',').filter(Boolean).map((e) => e.split(':')[0] ?? '');
  };
  const dependents = new Map<string, string[]>();
  for (const s of byService.keys()) for (const d of deps(s)) dependents.set(d, [...(dependents.get(d) ?? []), s]);
  const stops = new Map<string, number>();
  const done = new Map<string, number[]>();
  const visit = (service: string, seen: Set<string>): number[] => {
    const known = done.get(service);
    if (known) return known;
    if (seen.has(service)) return [];
    seen.add(service);
    const after = (dependents.get(service) ?? []).filter((s) => byService.has(s)).flatMap((s) => visit(s, seen));
    const ids: number[] = [];
    for (const c of byService.get(service) ?? []) {
      if (!isUp(c)) continue;
      const id = b.add({ kind: 'StopContainer', service: c.service, container: c.name, ...(timeout === undefined ? {} : { timeout }) }, after);
      stops.set(c.name, id);
      ids.push(id);
    }
    const result = ids.length ? ids : after;
    done.set(service, result);
    return result;
  };
  for (const s of [...byService.keys()].sort()) visit(s, new Set());
  return stops;
}

export function planStop(project: Project | undefined, observed: Observed, sel: Selection, timeout?: number): Plan {
  const b = new PlanBuilder();
  addStops(b, project, selectContainers(observed, sel), timeout);
  return b.build();
}

export function planSimple(observed: Observed, sel: Selection, kind: 'KillContainer' | 'PauseContainer' | 'UnpauseContainer', signal?: string): Plan {
  const b = new PlanBuilder();
  for (const c of selectContainers(observed, sel)) {
    if (kind === 'KillContainer' && (c.state === 'running' || c.state === 'restarting')) b.add({ kind, service: c.service, container: c.name, ...(signal ? { signal } : {}) });
    if (kind === 'PauseContainer' && c.state === 'running') b.add({ kind, service: c.service, container: c.name });
    if (kind === 'UnpauseContainer' && c.state === 'paused') b.add({ kind, service: c.service, container: c.name });
  }
  return b.build();
}

/** `rm`: stopped containers (with -s, stop them first). */
export function planRemove(project: Project | undefined, observed: Observed, sel: Selection, opts: { stop: boolean; volumes: boolean; timeout?: number }): Plan {
  const b = new PlanBuilder();
  const containers = selectContainers(observed, sel);
  const stops = opts.stop ? addStops(b, project, containers, opts.timeout) : new Map<string, number>();
  for (const c of containers) {
    if (isUp(c) && !opts.stop) continue;
    b.add({ kind: 'RemoveContainer', service: c.service, container: c.name, volumes: opts.volumes, force: false }, [stops.get(c.name)]);
  }
  return b.build();
}

export interface DownOptions {
  removeOrphans: boolean;
  volumes: boolean;
  rmi?: 'local' | 'all';
  timeout?: number;
  /** Every service the files define, whatever the active profiles: removed, not orphans. */
  definedServices?: string[];
}

/**
 * `down`: stop and remove the project's containers (dependents first), then its
 * networks, and with -v its named volumes; with --rmi the images. Without a project file
 * everything labelled with the project goes.
 */
export function planDown(project: Project | undefined, observed: Observed, opts: DownOptions): Plan {
  const b = new PlanBuilder();
  const defined = new Set([...Object.keys(project?.services ?? {}), ...(opts.definedServices ?? [])]);
  const known = (service: string) => !project || defined.has(service);
  const containers = observed.containers.filter((c) => c.oneoff || known(c.service) || opts.removeOrphans);
  const orphans = observed.containers.filter((c) => !c.oneoff && !known(c.service));
  if (orphans.length && !opts.removeOrphans) {
    b.warnings.push(`Found orphan containers (${orphans.map((c) => c.name).sort().join(', ')}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  const stops = addStops(b, project, containers, opts.timeout);
  const removed = containers
    .sort((a, b2) => compareNames(a.service, b2.service) || a.number - b2.number)
    .map((c) => b.add({ kind: 'RemoveContainer', service: c.service, container: c.name, volumes: opts.volumes, force: true }, [stops.get(c.name)]));
  // Orphans left running keep their networks: removing them would fail. A stopped
  // container holds no endpoint (the engine releases it at the stop, as dockerd does), so a
  // network goes once every container on it has stopped, alongside the removals.
  const networksInUse = !opts.removeOrphans && orphans.length > 0;
  if (!networksInUse) {
    for (const n of [...observed.networks].sort((x, y) => compareNames(x.name, y.name))) b.add({ kind: 'RemoveNetwork', network: n.name }, [...stops.values()]);
  }
  if (opts.volumes) {
    // Anonymous volumes a recreated container took over by name survive remove-with-volumes.
    const anonymous = new Set(containers.flatMap((c) => anonymousVolumeNames(c)));
    for (const v of [...anonymous].sort()) b.add({ kind: 'RemoveVolume', volume: v }, removed, 'anonymous');
    for (const v of [...observed.volumes].sort((x, y) => compareNames(x.name, y.name))) {
      const external = project && Object.values(project.volumes ?? {}).some((pv) => pv.external && pv.name === v.name);
      if (!external) b.add({ kind: 'RemoveVolume', volume: v.name }, removed);
    }
  }
  if (opts.rmi) {
    const images = new Set<string>();
    if (project) {
      for (const [name, svc] of Object.entries(project.services)) {
        if (opts.rmi === 'all' || !svc.image) images.add(imageOf(project.name, name, svc));
      }
    } else if (opts.rmi === 'all') {
      for (const c of observed.containers) images.add(c.labels['com.docker.compose.image'] ?? c.image);
    }
    for (const image of [...images].sort()) b.add({ kind: 'RemoveImage', image }, removed);
  }
  return b.build();
}

/** `restart`: every selected container that exists, stopped or running. */
export function planRestart(observed: Observed, sel: Selection, timeout?: number): Plan {
  const b = new PlanBuilder();
  for (const c of selectContainers(observed, sel)) {
    b.add({ kind: 'RestartContainer', service: c.service, container: c.name, ...(timeout === undefined ? {} : { timeout }) });
  }
  return b.build();
}
