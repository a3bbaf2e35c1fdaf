import type { DependencyCondition, Project, ServiceConfig } from '../compose/model.js';
import { directDependencies, selectServices } from './graph.js';

// The services a service needs before it can start, with the condition to wait for:
// depends_on plus the implicit edges (network_mode: service:x, volumes_from, links),
// which Compose treats as service_started.

export interface Dependency {
  service: string;
  condition: DependencyCondition;
  required: boolean;
  restart: boolean;
}

export function dependenciesOf(service: ServiceConfig): Dependency[] {
  // graph.ts knows every edge (depends_on and the implicit ones); depends_on adds the condition.
  return directDependencies(service).map((name) => {
    const dep = service.depends_on?.[name];
    return dep
      ? { service: name, condition: dep.condition, required: dep.required !== false, restart: dep.restart === true }
      : { service: name, condition: 'service_started', required: true, restart: false };
  });
}

/** `svc`, `svc:ro`, `service:svc:rw` name a service; `container:x` does not. */
export function volumesFromService(entry: string): string | undefined {
  if (entry.startsWith('container:')) return undefined;
  const rest = entry.startsWith('service:') ? entry.slice('service:'.length) : entry;
  return rest.split(':')[0];
}

/** The selected services plus, transitively, what they depend on (unless noDeps). */
export function withDependencies(project: Project, selected: readonly string[], noDeps: boolean): Set<string> {
  const known = selected.filter((name) => project.services[name] !== undefined);
  return new Set(noDeps ? known : selectServices(project, known.length ? known : Object.keys(project.services)));
}
