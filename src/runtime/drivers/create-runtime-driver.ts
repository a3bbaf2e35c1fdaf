// Chooses the runtime: the name given, else BERTH_RUNTIME, else berth-core. A runtime that
// is not there is an 'unavailable' error naming the alternatives, never a silent switch to
// another runtime (results would differ without anyone having asked for it).
import { existsSync } from 'node:fs';
import { nativeBinary } from '../../config/paths.js';
import { invalid, unavailable } from '../../errors.js';
import { OciRuntimeDriver } from './oci-driver.js';
import type { ProcessRunner } from './run-runtime.js';
import { RUNTIME_NAMES, runtimeInvocation, type RuntimeName } from './runtime-invocation.js';

export interface RuntimeDriverOptions {
  /** Parent of the per-runtime state roots (`<stateRoot>/<name>`), e.g. /run/berth/runtime. */
  stateRoot: string;
  /** Override of the runtime binary (tests, packagers). */
  binary?: string;
  /** Override of berth-shim (default dist/native/berth-shim, or BERTH_SHIM_PATH). */
  shimPath?: string;
  /** How the runtime verbs are run (default: node's spawn). */
  runner?: ProcessRunner;
  /** How berth-shim is launched; it must give the shim default signal dispositions (default: node's spawn). */
  shimRunner?: ProcessRunner;
}

export function runtimeNameFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeName {
  const name = env.BERTH_RUNTIME ?? 'berth-core';
  if (!(RUNTIME_NAMES as readonly string[]).includes(name)) throw invalid(`BERTH_RUNTIME=${name}: expected one of ${RUNTIME_NAMES.join(', ')}`);
  return name as RuntimeName;
}

export function createRuntimeDriver(name: RuntimeName | undefined, opts: RuntimeDriverOptions, env: NodeJS.ProcessEnv = process.env): OciRuntimeDriver {
  const chosen = name ?? runtimeNameFromEnv(env);
  const shimPath = opts.shimPath ?? env.BERTH_SHIM_PATH ?? nativeBinary('berth-shim');
  if (!existsSync(shimPath)) throw unavailable(`berth-shim: ${shimPath} is not built (run \`npm run build\`); every runtime is run under it`);
  return new OciRuntimeDriver(runtimeInvocation(chosen, opts.stateRoot, { env, ...(opts.binary ? { binary: opts.binary } : {}) }), shimPath, opts.runner, opts.shimRunner);
}
