import type { Project, ServiceConfig } from '../compose/model.js';

// Engine-side names, as Docker Compose makes them: containers `<project>-<service>-<n>`
// (or container_name), networks and volumes `<project>_<key>` (the model already carries
// those in `.name`, external ones under their own name).

export function containerName(project: string, service: string, number: number, config?: ServiceConfig): string {
  if (config?.container_name) return config.container_name;
  return `${project}-${service}-${number}`;
}

export function networkName(project: Project, key: string): string {
  return project.networks?.[key]?.name ?? `${project.name}_${key}`;
}

export function volumeName(project: Project, key: string): string {
  return project.volumes?.[key]?.name ?? `${project.name}_${key}`;
}

/** Replicas wanted for a service: --scale, then `scale`, then deploy.replicas, then 1. */
export function desiredReplicas(service: ServiceConfig, override?: number): number {
  if (override !== undefined) return override;
  if (service.scale !== undefined) return service.scale;
  if (service.deploy?.replicas !== undefined) return service.deploy.replicas;
  return 1;
}

/** The name an old container gets while its replacement is created (Compose's scheme). */
export function tempName(id: string, name: string): string {
  return `${id.slice(0, 12)}_${name}`;
}
