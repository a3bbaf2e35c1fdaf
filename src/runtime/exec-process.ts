// The process of a `docker exec`, from the container's own spec, with Docker's rules: the
// container's capabilities (all of them with --privileged), its no_new_privs and rlimits,
// its environment with the exec's variables added or replacing, and its user and working
// dir unless the exec names others.
import { ALL_CAPABILITIES } from './capabilities.js';
import type { OciSpec } from './oci-spec.js';
import { validateEnv } from './spec-validate.js';
import type { OciProcess } from './types.js';

export interface ExecRequest {
  args: string[];
  env?: string[];
  user?: OciProcess['user'];
  cwd?: string;
  tty?: boolean;
  privileged?: boolean;
  /** What privileged grants: pass hostCapabilities() (default: every capability). */
  availableCapabilities?: readonly string[];
}

/** KEY=VALUE lists merged by key, later entries winning, order of first appearance kept. */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...extra]) out.set(e.slice(0, e.indexOf('=')), e);
  return [...out.values()];
}

export function execProcess(spec: OciSpec, req: ExecRequest): OciProcess {
  validateEnv(req.env ?? []);
  const all = req.availableCapabilities ? ALL_CAPABILITIES.filter((c) => req.availableCapabilities?.includes(c)) : ALL_CAPABILITIES;
  const caps = req.privileged ? [...all] : spec.process.capabilities.bounding;
  const proc: OciProcess = {
    terminal: req.tty ?? false,
    user: req.user ?? spec.process.user,
    args: [...req.args],
    env: mergeEnv(spec.process.env, req.env ?? []),
    cwd: req.cwd ?? spec.process.cwd,
    capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
    noNewPrivileges: spec.process.noNewPrivileges,
  };
  if (spec.process.rlimits) proc.rlimits = spec.process.rlimits.map((r) => ({ ...r }));
  return proc;
}
