import type { ServiceConfig } from './model.js';
import { sha256Hex } from './sha256.js';

// The config hash the orchestrator stamps as `com.docker.compose.config-hash`: sha256
// over canonical JSON (sorted keys) of the normalized service. Like compose's
// ServiceHash it leaves out what does not require recreating the container: build (the
// image is what counts), pull_policy, scale and deploy.replicas (scaling), depends_on
// and profiles (orchestration only).

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function serviceConfigHash(service: ServiceConfig): string {
  const { build: _build, pull_policy: _pull, scale: _scale, depends_on: _deps, profiles: _profiles, ...rest } = service;
  const hashed: Record<string, unknown> = { ...rest };
  if (service.deploy) {
    const { replicas: _replicas, ...deploy } = service.deploy;
    hashed.deploy = deploy;
  }
  return sha256Hex(canonicalJson(hashed));
}
