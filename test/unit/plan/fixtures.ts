import type { Project, ServiceConfig } from '../../../src/compose/model.js';
import type { Observed, ObservedContainer } from '../../../src/plan/observed.js';
import type { ReconcileOptions } from '../../../src/plan/reconcile.js';

// Inline projects and snapshots for planner tests: plain data, no engine.

export function service(extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return { image: 'bb:latest', command: null, entrypoint: null, networks: { default: null }, ...extra };
}

export function project(services: Record<string, ServiceConfig>, extra: Partial<Project> = {}): Project {
  return { name: 'p', services, networks: { default: { name: 'p_default', ipam: {} } }, ...extra };
}

/** A readable stand-in for the config hash: the service's command, or "base". */
export const hash = (svc: ServiceConfig): string => (svc.command ? svc.command.join(' ') : 'base');

export const options = (extra: Partial<ReconcileOptions> = {}): ReconcileOptions => ({
  hash,
  workingDir: '/srv/p',
  configFiles: ['/srv/p/compose.yaml'],
  ...extra,
});

export function container(serviceName: string, number: number, extra: Partial<ObservedContainer> = {}): ObservedContainer {
  const name = `p-${serviceName}-${number}`;
  return {
    id: `${serviceName}${number}`.padEnd(64, '0'),
    name,
    service: serviceName,
    number,
    state: 'running',
    status: 'Up',
    configHash: 'base',
    oneoff: false,
    image: 'bb:latest',
    created: 0,
    labels: {},
    ports: [],
    ...extra,
  };
}

export function observed(containers: ObservedContainer[] = [], withNetwork = true): Observed {
  return {
    project: 'p',
    containers,
    networks: withNetwork ? [{ id: 'n1', name: 'p_default', key: 'default', labels: {} }] : [],
    volumes: [],
    externalNetworks: [],
    externalVolumes: [],
  };
}
