import type { ServiceConfig } from '../compose/model.js';
import type { Dependency } from './dependencies.js';
import { healthOf } from './container-config.js';

// When `up` tells the engine that a container's start is near (the PrepareStart operation,
// which berthd answers by preparing the start, and undoes after 3 s without one): where the
// start waits for nothing but the health of dependencies whose first probe comes soon after
// they start. Their start is then the moment to prepare, and the start request finds the
// container ready to run (in a chain of health checks, ~15 ms less per link here).
// A start that waits for anything else (an exit, a probe seconds away) gets no hint: the
// prepared start would be undone before the request came, its work wasted.

/** A probe due within this long of its container's start is "soon" (berthd keeps a prepared start 3 s). */
export const PREPARE_HORIZON_MS = 2000;

/** Docker's defaults: the first probe comes after the start interval in a start period, else after the interval. */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_START_INTERVAL_MS = 5_000;

/** Milliseconds from the service's start to its first health probe, as the engine schedules it; undefined without a check. */
export function firstProbeMs(svc: ServiceConfig): number | undefined {
  const hc = healthOf(svc.healthcheck);
  if (!hc || hc.Test?.[0] === 'NONE') return undefined;
  const ms = (ns: number | undefined, fallback: number): number => (ns !== undefined && ns > 0 ? ns / 1e6 : fallback);
  return (hc.StartPeriod ?? 0) > 0 ? ms(hc.StartInterval, DEFAULT_START_INTERVAL_MS) : ms(hc.Interval, DEFAULT_INTERVAL_MS);
}

/**
 * Whether a start that waits for `deps` (those of the selected services) is worth announcing
 * once they have started: at least one waits for health, every health wait's first probe is
 * soon, and nothing waits for an exit.
 */
export function announceStart(deps: readonly Dependency[], services: Readonly<Record<string, ServiceConfig>>): boolean {
  let waitsForHealth = false;
  for (const d of deps) {
    if (d.condition === 'service_started') continue;
    if (d.condition !== 'service_healthy') return false;
    const svc = services[d.service];
    const first = svc ? firstProbeMs(svc) : undefined;
    if (first === undefined || first > PREPARE_HORIZON_MS) return false;
    waitsForHealth = true;
  }
  return waitsForHealth;
}
