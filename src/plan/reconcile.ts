import type { Project, ServiceConfig } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { containerSpec, type ContainerSpec } from './container-config.js';
import type { InlineFile } from './container-mounts.js';
import { dependenciesOf, withDependencies, type Dependency } from './dependencies.js';
import type { Observed, ObservedContainer } from './observed.js';
import { containerName, desiredReplicas, networkName, tempName, volumeName } from './naming.js';
import { PlanBuilder, type Plan } from './plan.js';
import { networkCreateBody, networksUsed, volumeCreateBody, volumesUsed } from './project-resources.js';
import { imageOf } from './container-config.js';
import { startOrder } from './start-order.js';
import { announceStart } from './prepare-hint.js';

// The pure planner: desired project + observed snapshot → a DAG of engine operations.
// Decides everything (what to create, recreate, keep, start, scale, remove, wait for);
// the executor only carries it out.

export type RecreatePolicy = 'diverged' | 'force' | 'never';
export type PullPolicy = 'missing' | 'never' | 'always';

export interface ReconcileOptions {
  /** Services asked for; empty or undefined = all. Their dependencies come too unless noDeps. */
  services?: string[];
  noDeps?: boolean;
  recreate?: RecreatePolicy;
  /** Create containers that do not exist yet (false for `start`). */
  create?: boolean;
  /** Start containers (false for `create` / `up --no-start`). */
  start?: boolean;
  scale?: Record<string, number>;
  removeOrphans?: boolean;
  /** Seconds given to stop containers that are replaced or removed. */
  timeout?: number;
  pull?: PullPolicy;
  /** `up --wait`: end with a wait for every started container to be running/healthy. */
  wait?: boolean;
  /** The config hash stamped on containers (compose/hash.ts's serviceConfigHash). */
  hash: (service: ServiceConfig, name: string) => string;
  workingDir: string;
  configFiles: string[];
  hostEnv?: Record<string, string | undefined>;
  /** -V: recreated containers get new anonymous volumes instead of the previous ones. */
  renewAnonVolumes?: boolean;
  /** Every service the files define, whatever the active profiles: those are not orphans. */
  definedServices?: string[];
  /**
   * `run`: create one one-off container of this service (after its dependencies meet
   * their conditions) instead of reconciling the service's own containers. The command
   * starts it once attached.
   */
  oneoff?: { service: string; name: string; useAliases: boolean };
}

interface ServiceNodes {
  /** Start (or restart) node of each container that will run, by container name. */
  starts: Map<string, number | undefined>;
  /** Node after which the first container exists (network_mode/volumes_from users). */
  created?: number;
  recreated: boolean;
  /** Containers that will exist after the plan, by name. */
  containers: string[];
}

export function reconcile(project: Project, observed: Observed, options: ReconcileOptions): Plan {
  const b = new PlanBuilder();
  const recreate = options.recreate ?? 'diverged';
  const create = options.create ?? true;
  const start = options.start ?? true;
  const all = Object.keys(project.services);
  const selected = withDependencies(project, options.services?.length ? options.services : all, options.noDeps === true);
  for (const name of options.services ?? []) {
    if (!project.services[name]) throw new BerthError('not_found', `no such service: ${name}`);
  }

  // Networks and volumes first: every container creation depends on those it uses.
  const networkNodes = new Map<string, number | undefined>();
  for (const key of networksUsed(project, selected)) {
    const cfg = project.networks?.[key];
    const name = networkName(project, key);
    if (cfg?.external) {
      if (!observed.externalNetworks.includes(name)) throw new BerthError('not_found', `network ${name} declared as external, but could not be found`);
      networkNodes.set(key, undefined);
      continue;
    }
    const exists = observed.networks.some((n) => n.name === name);
    networkNodes.set(key, exists || !create ? undefined : b.add({ kind: 'CreateNetwork', network: name, body: networkCreateBody(project.name, key, cfg, name) }));
  }
  const volumeNodes = new Map<string, number | undefined>();
  for (const key of volumesUsed(project, selected)) {
    const cfg = project.volumes?.[key];
    const name = volumeName(project, key);
    if (cfg?.external) {
      if (!observed.externalVolumes.includes(name)) throw new BerthError('not_found', `volume ${name} declared as external, but could not be found`);
      volumeNodes.set(key, undefined);
      continue;
    }
    const exists = observed.volumes.some((v) => v.name === name);
    volumeNodes.set(key, exists || !create ? undefined : b.add({ kind: 'CreateVolume', volume: name, body: volumeCreateBody(project.name, key, cfg, name) }));
  }

  const imageNodes = new Map<string, number>();
  const nodes = new Map<string, ServiceNodes>();
  const awaits = new Map<string, number>();
  const firstContainer = (service: string) => containerName(project.name, service, 1, project.services[service]);

  for (const name of startOrder(project, selected)) {
    const svc = project.services[name] as ServiceConfig;
    const hash = options.hash(svc, name);
    const existing = observed.containers.filter((c) => c.service === name && !c.oneoff).sort((x, y) => x.number - y.number);
    const wanted = desiredReplicas(svc, options.scale?.[name]);
    const keep = existing.slice(0, wanted);
    const drop = existing.slice(wanted).reverse();
    const own: ServiceNodes = { starts: new Map(), recreated: false, containers: [] };
    nodes.set(name, own);

    // Operations that must precede any creation for this service.
    const usesNetworks = svc.network_mode === undefined ? Object.keys(svc.networks ?? { default: null }).map((k) => networkNodes.get(k)) : [];
    const usesVolumes = (svc.volumes ?? []).filter((v) => v.type === 'volume' && v.source).map((v) => volumeNodes.get(v.source ?? ''));
    const usesContainers = referencedServices(svc).map((s) => nodes.get(s)?.created);
    // As Compose: containers are created in dependency order (a service's after those of
    // the services it depends on), and only the starts wait for the conditions. The first
    // service to start is then not created amid every other creation.
    const afterDependencies = dependenciesOf(svc).map((d) => nodes.get(d.service)?.created);
    const imageNode = (): number => {
      const image = imageOf(project.name, name, svc);
      const known = imageNodes.get(image);
      if (known !== undefined) return known;
      const policy = options.pull ?? pullPolicyOf(svc);
      const id = b.add({ kind: 'CheckImage', service: name, image, policy });
      imageNodes.set(image, id);
      return id;
    };
    // Conditions this service's containers wait for before starting (resolved lazily so
    // that nothing is awaited when nothing starts).
    let conditionNodes: number[] | undefined;
    const conditions = (): number[] => (conditionNodes ??= dependencyConditions(name, svc));

    if (options.oneoff?.service === name) {
      const spec = containerSpec({
        project, service: name, number: 1, name: options.oneoff.name, configHash: hash, oneoff: true, useAliases: options.oneoff.useAliases,
        workingDir: options.workingDir, configFiles: options.configFiles,
        serviceContainer: firstContainer, ...(options.hostEnv ? { hostEnv: options.hostEnv } : {}),
      });
      b.add({ kind: 'CreateContainer', service: name, container: options.oneoff.name, body: spec.body, ...filesOf(spec) }, [imageNode(), ...usesNetworks, ...usesVolumes, ...usesContainers, ...conditions()], 'one-off');
      continue;
    }

    const createAndStart = (number: number, after: (number | undefined)[], reason?: string, previous?: ObservedContainer): number => {
      const cname = containerName(project.name, name, number, svc);
      const spec = containerSpec({
        project, service: name, number, name: cname, configHash: hash,
        ...(previous && !options.renewAnonVolumes ? { reuseVolumes: anonymousVolumesOf(svc, previous) } : {}),
        workingDir: options.workingDir, configFiles: options.configFiles,
        serviceContainer: firstContainer, ...(options.hostEnv ? { hostEnv: options.hostEnv } : {}),
      });
      const created = b.add({ kind: 'CreateContainer', service: name, container: cname, body: spec.body, ...filesOf(spec) }, [imageNode(), ...usesNetworks, ...usesVolumes, ...usesContainers, ...afterDependencies, ...after], reason);
      own.created ??= created;
      own.containers.push(cname);
      own.starts.set(cname, start ? b.add({ kind: 'StartContainer', service: name, container: cname }, [created, ...conditions()]) : undefined);
      if (start) announce(cname, created);
      return created;
    };

    // The start is near once the dependencies it waits for have started (prepare-hint.ts).
    const waited = dependenciesOf(svc).filter((d) => nodes.has(d.service));
    const announce = (cname: string, created: number): void => {
      if (!announceStart(waited, project.services)) return;
      const starts = waited.flatMap((d) => [...(nodes.get(d.service)?.starts.values() ?? [])]);
      b.add({ kind: 'PrepareStart', service: name, container: cname }, [created, ...starts]);
    };

    // A container that joins (network_mode: service:x) or mounts from (volumes_from) a
    // container being recreated still names the old one: dockerd resolved it to an ID at
    // create, so a restart fails. Compose hashes the service with that reference resolved,
    // so its hash changes and it is recreated too; so is it here.
    const joinsRecreated = referencedServices(svc).some((s) => nodes.get(s)?.recreated === true);
    for (const c of keep) {
      const diverged = c.configHash !== hash || joinsRecreated;
      const must = recreate === 'force' || (recreate === 'diverged' && diverged);
      if (must && create) {
        own.recreated = true;
        const reason = recreate === 'force' ? 'forced recreate' : 'config hash changed';
        const stopped = c.state === 'running' || c.state === 'paused' || c.state === 'restarting'
          ? b.add({ kind: 'StopContainer', service: name, container: c.name, ...timeoutOf(options) }, [], reason)
          : undefined;
        const renamed = b.add({ kind: 'RenameContainer', service: name, container: c.name, to: tempName(c.id, c.name) }, [stopped], reason);
        const created = createAndStart(c.number, [renamed], reason, c);
        // The old container's anonymous volumes go with it unless the new one took them over.
        const reused = !options.renewAnonVolumes && Object.keys(anonymousVolumesOf(svc, c)).length > 0;
        const removed = b.add({ kind: 'RemoveContainer', service: name, container: tempName(c.id, c.name), volumes: !reused, force: true }, [created], 'replaced');
        // Anonymous volumes carried over earlier are mounted by name now, which the engine's
        // remove-with-volumes leaves alone: remove them explicitly when they are renewed.
        if (!reused) for (const v of anonymousVolumeNames(c)) b.add({ kind: 'RemoveVolume', volume: v }, [removed], 'renewed anonymous volume');
        continue;
      }
      own.containers.push(c.name);
      if (c.state !== 'running' && c.state !== 'paused' && start) {
        own.starts.set(c.name, b.add({ kind: 'StartContainer', service: name, container: c.name }, [...conditions()], `container is ${c.state}`));
      } else {
        own.starts.set(c.name, undefined);
        if (c.state === 'running') b.kept.push(c.name);
      }
    }
    if (create) {
      const used = new Set(existing.map((c) => c.number));
      let next = 1;
      for (let i = keep.length; i < wanted; i++) {
        while (used.has(next)) next++;
        used.add(next);
        createAndStart(next, [], existing.length === 0 ? undefined : 'scale up');
      }
    }
    for (const c of drop) removeContainer(c, 'scale down');
  }

  // Dependents that asked to be restarted when a dependency is recreated.
  for (const [name, own] of nodes) {
    const svc = project.services[name] as ServiceConfig;
    for (const dep of dependenciesOf(svc)) {
      if (!dep.restart || !nodes.get(dep.service)?.recreated || own.recreated) continue;
      const after = [...(nodes.get(dep.service)?.starts.values() ?? [])];
      for (const cname of own.containers) {
        if (own.starts.get(cname) !== undefined) continue;
        const keptAt = b.kept.indexOf(cname);
        if (keptAt >= 0) b.kept.splice(keptAt, 1);
        own.starts.set(cname, b.add({ kind: 'RestartContainer', service: name, container: cname, ...timeoutOf(options) }, [...after, ...conditionsFor(dep, name)], `dependency ${dep.service} was recreated`));
      }
    }
  }

  const defined = new Set([...Object.keys(project.services), ...(options.definedServices ?? [])]);
  const orphans = observed.containers.filter((c) => !c.oneoff && !defined.has(c.service));
  if (orphans.length && options.removeOrphans) {
    for (const c of orphans) removeContainer(c, 'orphan');
  } else if (orphans.length) {
    b.warnings.push(`Found orphan containers (${orphans.map((c) => c.name).sort().join(', ')}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }

  if (options.wait && start) {
    const jobs = completionDependencies(project, selected);
    for (const [name, own] of nodes) {
      for (const cname of own.containers) {
        if (jobs.has(name)) awaitNode('AwaitExit', name, cname, own.starts.get(cname));
        // Already awaited healthy for a dependent: that is ready enough, report it once.
        else if (awaits.has(`AwaitHealthy:${cname}`)) continue;
        else b.add({ kind: 'AwaitReady', service: name, container: cname }, [own.starts.get(cname)], 'wait');
      }
    }
  }
  return b.build();

  function removeContainer(c: ObservedContainer, reason: string): void {
    const stopped = c.state === 'running' || c.state === 'paused' || c.state === 'restarting'
      ? b.add({ kind: 'StopContainer', service: c.service, container: c.name, ...timeoutOf(options) }, [], reason)
      : undefined;
    b.add({ kind: 'RemoveContainer', service: c.service, container: c.name, volumes: false, force: false }, [stopped], reason);
  }

  function dependencyConditions(name: string, svc: ServiceConfig): number[] {
    const out: number[] = [];
    for (const dep of dependenciesOf(svc)) out.push(...conditionsFor(dep, name));
    return out;
  }

  function conditionsFor(dep: Dependency, dependent: string): number[] {
    if (!project.services[dep.service]) {
      if (dep.required) throw new BerthError('not_found', `service ${dependent} depends on undefined service ${dep.service}`);
      return [];
    }
    const target = nodes.get(dep.service);
    if (!target) return []; // not selected (--no-deps)
    if (dep.condition === 'service_started') return [...target.starts.values()].filter((n): n is number => n !== undefined);
    const kind = dep.condition === 'service_healthy' ? 'AwaitHealthy' : 'AwaitExit';
    return target.containers.map((cname) => awaitNode(kind, dep.service, cname, target.starts.get(cname), dependent));
  }

  function awaitNode(kind: 'AwaitHealthy' | 'AwaitExit', service: string, cname: string, after: number | undefined, dependent?: string): number {
    const key = `${kind}:${cname}`;
    const known = awaits.get(key);
    if (known !== undefined) return known;
    const id = kind === 'AwaitHealthy'
      ? b.add({ kind, service, container: cname, ...(dependent ? { dependent } : {}) }, [after])
      : b.add({ kind, service, container: cname, requireZero: true, ...(dependent ? { dependent } : {}) }, [after]);
    awaits.set(key, id);
    return id;
  }
}

function timeoutOf(options: ReconcileOptions): { timeout?: number } {
  return options.timeout === undefined ? {} : { timeout: options.timeout };
}

/** Engine-generated (anonymous) volume names a container mounts: 64 hex digits. */
export function anonymousVolumeNames(c: ObservedContainer): string[] {
  return (c.volumes ?? []).map((v) => v.name).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

/** The previous container's volumes mounted where the service declares anonymous ones. */
function anonymousVolumesOf(svc: ServiceConfig, previous: ObservedContainer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const vol of svc.volumes ?? []) {
    if (vol.type !== 'volume' || vol.source) continue;
    const old = previous.volumes?.find((v) => v.target === vol.target);
    if (old) out[vol.target] = old.name;
  }
  return out;
}

function pullPolicyOf(svc: ServiceConfig): PullPolicy {
  const p = svc.pull_policy;
  if (p === 'always' || p === 'never') return p;
  return 'missing';
}

/** Services whose containers the first container of this one refers to at creation. */
function referencedServices(svc: ServiceConfig): string[] {
  const out: string[] = [];
  if (svc.network_mode?.startsWith('service:')) out.push(svc.network_mode.slice('service:'.length));
  for (const dep of dependenciesOf(svc)) if (dep.condition === 'service_started' && (svc.volumes_from ?? []).some((v) => v.includes(dep.service))) out.push(dep.service);
  return out;
}

/** Services others wait on with service_completed_successfully (one-shot jobs). */
function completionDependencies(project: Project, selected: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const name of selected) {
    for (const dep of dependenciesOf(project.services[name] as ServiceConfig)) {
      if (dep.condition === 'service_completed_successfully') out.add(dep.service);
    }
  }
  return out;
}

function filesOf(spec: ContainerSpec): { files?: InlineFile[] } {
  return spec.files.length ? { files: spec.files } : {};
}
