import type { DependencyCondition, Project, ServiceConfig } from '../compose/model.js';

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
  const out = new Map<string, Dependency>();
  for (const [name, dep] of Object.entries(service.depends_on ?? {})) {
    out.set(name, { service: name, condition: dep.condition, required: dep.required !== false, restart: dep.restart === true });
  }
  const implicit = (name: string) => {
    if (!out.has(name)) out.set(name, { service: name, condition: 'service_started', required: true, restart: false });
  };
  if (service.network_mode?.startsWith('service:')) implicit(service.network_mode.slice('service:'.length));
  for (const from of service.volumes_from ?? []) {
    const ref = volumesFromService(from);
    if (ref !== undefined) implicit(ref);
  }
  for (const link of service.links ?? []) implicit(link.split(':')[0] ?? link);
  return [...out.values()];
}

/** `svc`, `svc:ro`, `service:svc:rw` name a service; `container:x` does not. */
export function volumesFromService(entry: string): string | undefined {
  if (entry.startsWith('container:')) return undefined;
  const rest = entry.startsWith('service:') ? entry.slice('service:'.length) : entry;
  return rest.split(':')[0];
}

/** The selected services plus, transitively, what they depend on (unless noDeps). */
export function withDependencies(project: Project, selected: readonly string[], noDeps: boolean): Set<string> {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name) || !project.services[name]) return;
    out.add(name);
    if (noDeps) return;
    for (const dep of dependenciesOf(project.services[name])) visit(dep.service);
  };
  for (const name of selected) visit(name);
  return out;
}

/** Services that depend on `name` (directly). */
export function dependentsOf(project: Project, name: string): string[] {
  return Object.entries(project.services)
    .filter(([, svc]) => dependenciesOf(svc).some((d) => d.service === name))
    .map(([key]) => key);
}
