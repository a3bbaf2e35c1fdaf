import { invalid } from '../../errors.js';
import type { ImageRunConfig } from '../types.js';
import type { ContainerConfig } from './model.js';

// What Docker stores as a container's Config: the request merged over the image's
// config (env by key, labels, exposed ports, volumes; Cmd/Entrypoint as Docker resolves
// them: a given Entrypoint resets the image's Cmd).
export function mergeImageConfig(config: ContainerConfig, image: ImageRunConfig): ContainerConfig {
  const merged: ContainerConfig = { ...config };
  merged.Env = mergeEnv(image.Env ?? [], config.Env);
  if (!merged.Env.some((e) => e.startsWith('PATH='))) merged.Env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  if (config.Entrypoint === null) {
    merged.Entrypoint = image.Entrypoint ?? null;
    if (config.Cmd === null) merged.Cmd = image.Cmd ?? null;
  } else if (config.Entrypoint.length === 1 && config.Entrypoint[0] === '') {
    // `--entrypoint ""`: no entrypoint at all
    merged.Entrypoint = null;
  }
  if (merged.WorkingDir === '') merged.WorkingDir = image.WorkingDir ?? '';
  if (merged.User === '') merged.User = image.User ?? '';
  merged.Labels = { ...(image.Labels ?? {}), ...config.Labels };
  merged.ExposedPorts = { ...(image.ExposedPorts ?? {}), ...config.ExposedPorts };
  const volumes = { ...(image.Volumes ?? {}), ...(config.Volumes ?? {}) };
  merged.Volumes = Object.keys(volumes).length > 0 ? volumes : null;
  if (!merged.StopSignal && image.StopSignal) merged.StopSignal = image.StopSignal;
  if (image.Healthcheck) {
    const own = config.Healthcheck ?? {};
    merged.Healthcheck = { ...image.Healthcheck, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined && v !== 0)) };
    if (own.Test && own.Test.length > 0) merged.Healthcheck.Test = own.Test;
  }
  return merged;
}

function mergeEnv(base: string[], over: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...over]) {
    const eq = e.indexOf('=');
    out.set(eq < 0 ? e : e.slice(0, eq), e);
  }
  // `-e NAME` without a value and no such variable anywhere: Docker drops it.
  return [...out.values()].filter((e) => e.includes('='));
}

/** Docker's argv: Entrypoint + Cmd; an empty result is an error at create time. */
export function resolveArgs(config: ContainerConfig): { path: string; args: string[] } {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  const [path, ...args] = argv;
  if (path === undefined || path === '') throw invalid('No command specified'); // dockerd's words
  return { path, args };
}
