import type { HealthConfig } from '../containers/model.js';

// Docker's health-check defaults (nanoseconds in the API, milliseconds here).
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_START_INTERVAL_MS = 5_000;
export const DEFAULT_RETRIES = 3;
/** Docker keeps the last five probe results and 4 KiB of each one's output. */
export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_BYTES = 4096;

export interface Probe {
  /** argv run inside the container */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const ms = (ns: number | undefined, dflt: number): number => (ns && ns > 0 ? Math.round(ns / 1e6) : dflt);

/** undefined when there is no check (none configured or Test ["NONE"]). */
export function probeOf(hc: HealthConfig | undefined): Probe | undefined {
  const test = hc?.Test;
  if (!hc || !test || test.length === 0 || test[0] === 'NONE') return undefined;
  let argv: string[];
  if (test[0] === 'CMD') argv = test.slice(1);
  else if (test[0] === 'CMD-SHELL') argv = ['/bin/sh', '-c', test.slice(1).join(' ')];
  else argv = ['/bin/sh', '-c', test.join(' ')];
  if (argv.length === 0) return undefined;
  return {
    argv,
    intervalMs: ms(hc.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc.StartPeriod, 0),
    startIntervalMs: ms(hc.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
  };
}
