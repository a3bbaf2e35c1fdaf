import { isRecord, scalarString, type Transform } from './transform.js';

// Runs on each service as a whole, after depends_on is in long form. As compose-go
// does, a service that links to another, shares its namespaces (network_mode / ipc / pid
// / uts / cgroup: service:x) or mounts its volumes depends on it even if depends_on does
// not say so; links and shared namespaces also restart with it.

const NAMESPACE_KEYS = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

export const implicitDependencies: Transform = (svc) => {
  if (!isRecord(svc)) return svc;
  const implied: [string, boolean][] = [];
  for (const link of Array.isArray(svc.links) ? svc.links : []) implied.push([scalarString(link).split(':')[0] ?? '', true]);
  for (const key of NAMESPACE_KEYS) {
    const v = svc[key];
    if (typeof v === 'string' && v.startsWith('service:')) implied.push([v.slice('service:'.length), true]);
  }
  for (const spec of Array.isArray(svc.volumes_from) ? svc.volumes_from.map(scalarString) : []) {
    if (spec.startsWith('container:')) continue;
    const rest = spec.startsWith('service:') ? spec.slice('service:'.length) : spec;
    implied.push([rest.split(':')[0] ?? rest, false]);
  }
  if (implied.length === 0) return svc;
  const deps: Record<string, unknown> = isRecord(svc.depends_on) ? { ...svc.depends_on } : {};
  for (const [name, restart] of implied) {
    if (name === '' || Object.hasOwn(deps, name)) continue;
    deps[name] = restart ? { condition: 'service_started', restart: true, required: true } : { condition: 'service_started', required: true };
  }
  return { ...svc, depends_on: deps };
};

/** scale is the older spelling of deploy.replicas; Compose keeps the two in step. */
export const scaleToReplicas: Transform = (svc) => {
  if (!isRecord(svc) || typeof svc.scale !== 'number') return svc;
  const deploy = isRecord(svc.deploy) ? svc.deploy : {};
  if (deploy.replicas !== undefined) return svc;
  return { ...svc, deploy: { ...deploy, replicas: svc.scale } };
};

/** `if_not_present` is the older spelling of `missing`. */
export const pullPolicy: Transform = (v) => (v === 'if_not_present' ? 'missing' : v);
