import { ComposeError, type Locator } from './errors.js';
import type { Project, ServiceConfig } from './model.js';

// Profiles, applied to the bound project: a service without `profiles` is always on; one
// with profiles is on when one of them is active (`*` activates all). Naming a service on
// the command line activates its profiles. An enabled service that requires a disabled
// one is an error that says which profile would enable it.

export interface ProfileSelection {
  profiles: readonly string[];
  services: readonly string[];
}

/** --profile values, else COMPOSE_PROFILES (comma-separated). */
export function activeProfiles(flags: readonly string[] | undefined, env: Record<string, string | undefined>): string[] {
  if (flags && flags.length > 0) return flags.flatMap((p) => p.split(',')).filter((p) => p !== '');
  return (env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** Every profile any service declares, sorted. */
export function allProfiles(project: Project): string[] {
  return [...new Set(Object.values(project.services).flatMap((s) => s.profiles ?? []))].sort();
}

export function applyProfiles(project: Project, selection: ProfileSelection, locator: Locator): Project {
  const active = new Set(selection.profiles);
  for (const name of selection.services) {
    const service = project.services[name];
    if (!service) throw new ComposeError('undefined_reference', `no such service: ${name}`);
    for (const p of service.profiles ?? []) active.add(p);
  }
  const enabled = (s: ServiceConfig): boolean => !s.profiles || s.profiles.length === 0 || active.has('*') || s.profiles.some((p) => active.has(p));
  const services: Record<string, ServiceConfig> = {};
  for (const [name, service] of Object.entries(project.services)) if (enabled(service) || selection.services.includes(name)) services[name] = service;
  for (const [name, service] of Object.entries(services)) {
    for (const [dep, spec] of Object.entries(service.depends_on ?? {})) {
      const target = project.services[dep];
      if (services[dep] || !target) continue;
      if (!spec.required) {
        delete (service.depends_on as Record<string, unknown>)[dep];
        continue;
      }
      const at = ['services', name, 'depends_on', dep];
      throw new ComposeError('undefined_reference', `service "${dep}" is required by "${name}" but is disabled; it can be enabled by profiles ${(target.profiles ?? []).join(', ')}`, {
        position: locator.locate(at),
        keyPath: at,
      });
    }
  }
  return { ...project, services };
}
