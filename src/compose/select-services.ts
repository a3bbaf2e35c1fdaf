import { ComposeError } from './errors.js';
import type { Project } from './model.js';

// Restrict a project to some services and everything they depend on (depends_on,
// links, network_mode/service:, volumes_from), as Compose does for `config web`, `up web`.

export function dependenciesOf(project: Project, name: string): string[] {
  const service = project.services[name];
  if (!service) return [];
  const deps = new Set(Object.keys(service.depends_on ?? {}));
  for (const link of service.links ?? []) deps.add(link.split(':')[0] as string);
  for (const mode of [service.network_mode, service.ipc, service.pid]) if (mode?.startsWith('service:')) deps.add(mode.slice('service:'.length));
  for (const from of service.volumes_from ?? []) if (!from.startsWith('container:')) deps.add(from.split(':')[0] as string);
  return [...deps].filter((d) => project.services[d] !== undefined);
}

export function selectServices(project: Project, names: readonly string[]): Project {
  if (names.length === 0) return project;
  const keep = new Set<string>();
  const visit = (name: string): void => {
    if (keep.has(name)) return;
    if (!project.services[name]) throw new ComposeError('undefined_reference', `no such service: ${name}`);
    keep.add(name);
    for (const dep of dependenciesOf(project, name)) visit(dep);
  };
  for (const name of names) visit(name);
  const services = Object.fromEntries(Object.entries(project.services).filter(([n]) => keep.has(n)));
  return { ...project, services };
}

/** Service names with every service after its dependencies (ties in name order). */
export function servicesInDependencyOrder(project: Project): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of dependenciesOf(project, name).sort()) visit(dep);
    out.push(name);
  };
  for (const name of Object.keys(project.services).sort()) visit(name);
  return out;
}
