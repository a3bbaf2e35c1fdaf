import { DepGraph, DepGraphCycleError } from 'dependency-graph';
import { ComposeError, type Locator } from '../compose/errors.js';
import type { Project, ServiceConfig } from '../compose/model.js';

// The service graph: an edge a → b when a needs b started first, from depends_on and the
// implicit dependencies Compose also honours (links, network_mode: service:x,
// volumes_from). Cycles are refused with the cycle named.

/** Services that `svc` needs, in declaration order, without duplicates. */
export function directDependencies(svc: ServiceConfig): string[] {
  const out = new Set<string>(Object.keys(svc.depends_on ?? {}));
  for (const link of svc.links ?? []) out.add(link.split(':')[0] ?? link);
  if (svc.network_mode?.startsWith('service:')) out.add(svc.network_mode.slice('service:'.length));
  for (const spec of svc.volumes_from ?? []) {
    if (spec.startsWith('container:')) continue;
    const rest = spec.startsWith('service:') ? spec.slice('service:'.length) : spec;
    out.add(rest.split(':')[0] ?? rest);
  }
  return [...out];
}

export class ServiceGraph {
  private readonly graph: DepGraph<ServiceConfig>;

  constructor(
    private readonly project: Project,
    locator?: Locator,
  ) {
    this.graph = new DepGraph<ServiceConfig>();
    for (const [name, svc] of Object.entries(project.services)) this.graph.addNode(name, svc);
    for (const [name, svc] of Object.entries(project.services)) {
      // A dependency on a service that is not in the project (optional, or dropped by a
      // profile) has no edge; consistency checks have already refused required ones.
      for (const dep of directDependencies(svc)) if (this.graph.hasNode(dep)) this.graph.addDependency(name, dep);
    }
    try {
      this.graph.overallOrder();
    } catch (err) {
      if (!(err instanceof DepGraphCycleError)) throw err;
      const first = err.cyclePath[0] ?? '';
      const position = locator?.locate(['services', first, 'depends_on']) ?? locator?.locate(['services', first]);
      throw new ComposeError('cycle', `dependency cycle detected: ${err.cyclePath.join(' -> ')}`, { position, keyPath: ['services', first], cause: err });
    }
  }

  get services(): string[] {
    return Object.keys(this.project.services);
  }

  private require(name: string): void {
    if (!this.graph.hasNode(name)) throw new ComposeError('undefined_reference', `no such service: ${name}`);
  }

  /** What `name` needs, transitively. */
  dependenciesOf(name: string): string[] {
    this.require(name);
    return this.graph.dependenciesOf(name);
  }

  /** What needs `name`, transitively. */
  dependentsOf(name: string): string[] {
    this.require(name);
    return this.graph.dependantsOf(name);
  }

  directDependenciesOf(name: string): string[] {
    this.require(name);
    return this.graph.directDependenciesOf(name);
  }

  directDependentsOf(name: string): string[] {
    this.require(name);
    return this.graph.directDependantsOf(name);
  }

  /** The named services plus everything they depend on (`up web` starts web's dependencies too). */
  withDependencies(names: readonly string[]): string[] {
    const out = new Set<string>();
    for (const name of names) {
      for (const dep of this.dependenciesOf(name)) out.add(dep);
      out.add(name);
    }
    return this.services.filter((s) => out.has(s));
  }

  /** Groups that can start in parallel, each after all previous groups; alphabetical within a group. */
  startLevels(subset?: readonly string[]): string[][] {
    return this.levels(subset, (n) => this.graph.directDependenciesOf(n));
  }

  /** Groups that can stop in parallel: dependents before what they depend on. */
  stopLevels(subset?: readonly string[]): string[][] {
    return this.levels(subset, (n) => this.graph.directDependantsOf(n));
  }

  /** Longest-path layering of the subset along `before` edges (acyclic by construction). */
  private levels(subset: readonly string[] | undefined, before: (name: string) => string[]): string[][] {
    const members = new Set(subset ?? this.services);
    for (const name of members) this.require(name);
    const depth = new Map<string, number>();
    const levelOf = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const prior = before(name).filter((n) => members.has(n));
      const d = prior.length === 0 ? 0 : 1 + Math.max(...prior.map(levelOf));
      depth.set(name, d);
      return d;
    };
    const out: string[][] = [];
    for (const name of members) {
      const d = levelOf(name);
      (out[d] ??= []).push(name);
    }
    return out.filter((level) => level !== undefined).map((level) => level.sort());
  }
}

/** Builds the graph (refusing cycles) and returns its start levels. */
export function startLevels(project: Project, subset?: readonly string[]): string[][] {
  return new ServiceGraph(project).startLevels(subset);
}

export function stopLevels(project: Project, subset?: readonly string[]): string[][] {
  return new ServiceGraph(project).stopLevels(subset);
}

export function dependenciesOf(project: Project, name: string): string[] {
  return new ServiceGraph(project).dependenciesOf(name);
}

export function dependentsOf(project: Project, name: string): string[] {
  return new ServiceGraph(project).dependentsOf(name);
}

/** Services named on the command line plus their dependencies; all services when none are named. */
export function selectServices(project: Project, names: readonly string[]): string[] {
  const graph = new ServiceGraph(project);
  return names.length === 0 ? graph.services : graph.withDependencies(names);
}
