import { ComposeError, formatKeyPath } from './errors.js';
import { build } from './transforms/build.js';
import { shellCommand } from './transforms/command.js';
import { deploy, gpus } from './transforms/deploy.js';
import { dependsOn } from './transforms/depends-on.js';
import { envFile } from './transforms/env-file.js';
import { serviceConfigs, serviceSecrets } from './transforms/file-refs.js';
import { healthcheck } from './transforms/healthcheck.js';
import { implicitDependencies, pullPolicy, scaleToReplicas } from './transforms/implicit-dependencies.js';
import { extraHosts, mappingWithEquals, stringMapping } from './transforms/mappings.js';
import { expose, ports } from './transforms/ports.js';
import { hostPath } from './transforms/paths.js';
import { fileObject, network, volume } from './transforms/resources.js';
import { byteSize, devices, duration, logging, number, stringList, ulimits } from './transforms/service-scalars.js';
import { defaultServiceNetwork, serviceNetworks } from './transforms/service-networks.js';
import { isRecord, stringOrList, type NormalizeContext, type Transform, type TransformContext } from './transforms/transform.js';
import { serviceVolumes } from './transforms/volumes.js';

export type { NormalizeContext } from './transforms/transform.js';
export { definedEnv } from './transforms/transform.js';

// Canonical long syntax, as `docker compose config` prints it. Each rule names a tree
// path ("*" matches any key of a mapping) and the transform that rewrites the value
// found there. Rules run in order; a rule only sees keys that are present.
const RULES: readonly (readonly [string, Transform])[] = [
  ['services.*.build', build],
  ['services.*.command', shellCommand],
  ['services.*.entrypoint', shellCommand],
  ['services.*.ports', ports],
  ['services.*.expose', expose],
  ['services.*.volumes', serviceVolumes],
  ['services.*.depends_on', dependsOn],
  ['services.*.environment', mappingWithEquals],
  ['services.*.env_file', envFile],
  ['services.*.label_file', (v, ctx) => (stringOrList(v, ctx) as unknown[] | undefined)?.map(hostPath(ctx))],
  ['services.*.labels', stringMapping],
  ['services.*.annotations', stringMapping],
  ['services.*.sysctls', stringMapping],
  ['services.*.storage_opt', stringMapping],
  ['services.*.extra_hosts', extraHosts],
  ['services.*.healthcheck', healthcheck],
  ['services.*.networks', serviceNetworks],
  ['services.*', defaultServiceNetwork],
  ['services.*.deploy', deploy],
  ['services.*.gpus', gpus],
  ['services.*.ulimits', ulimits],
  ['services.*.devices', devices],
  ['services.*.logging', logging],
  ['services.*.secrets', serviceSecrets],
  ['services.*.configs', serviceConfigs],
  ['services.*.post_start.*.command', shellCommand],
  ['services.*.post_start.*.environment', mappingWithEquals],
  ['services.*.pre_stop.*.command', shellCommand],
  ['services.*.pre_stop.*.environment', mappingWithEquals],
  ['services.*.develop.watch.*.exec.command', shellCommand],
  ['services.*.develop.watch.*.exec.environment', mappingWithEquals],
  ['services.*.develop.watch.*.path', (v, ctx) => hostPath(ctx)(v)],
  ['services.*.develop.watch.*.ignore', stringOrList],
  ['services.*.develop.watch.*.include', stringOrList],
  ['services.*.dns', stringOrList],
  ['services.*.dns_search', stringOrList],
  ['services.*.tmpfs', stringOrList],
  ['services.*.group_add', stringList],
  ['services.*.stop_grace_period', duration],
  ['services.*.mem_limit', byteSize],
  ['services.*.mem_reservation', byteSize],
  ['services.*.memswap_limit', byteSize],
  ['services.*.shm_size', byteSize],
  ['services.*.mem_swappiness', number],
  ['services.*.cpus', number],
  ['services.*.cpu_shares', number],
  ['services.*.cpu_quota', number],
  ['services.*.cpu_period', number],
  ['services.*.cpu_count', number],
  ['services.*.cpu_percent', number],
  ['services.*.cpu_rt_period', number],
  ['services.*.cpu_rt_runtime', number],
  ['services.*.pids_limit', number],
  ['services.*.oom_score_adj', number],
  ['services.*.scale', number],
  ['services.*.pull_policy', pullPolicy],
  ['services.*', implicitDependencies],
  ['services.*', scaleToReplicas],
  ['networks.*', network],
  ['volumes.*', volume],
  ['secrets.*', fileObject],
  ['configs.*', fileObject],
];

/** RULES with their patterns split once. */
const SPLIT_RULES = RULES.map(([pattern, transform]) => [pattern.split('.'), transform] as const);

/**
 * Applies `transform` to every node matching `pattern` (from `pattern[at]` on) below
 * `node`. The path is one array pushed and popped on the way (copied for each transform):
 * ~80 rules times each service's keys made a few thousand short-lived arrays per load.
 */
function applyRule(node: unknown, pattern: readonly string[], at: number, transform: Transform, path: (string | number)[], ctx: NormalizeContext): void {
  const head = pattern[at];
  if (head === undefined) return;
  // The keys are taken before any transform runs (a transform may delete its key).
  let keys: readonly (string | number)[];
  if (head !== '*') {
    if (!isRecord(node) || !Object.hasOwn(node, head)) return;
    keys = [head];
  } else if (Array.isArray(node)) keys = [...node.keys()];
  else if (isRecord(node)) keys = Object.keys(node);
  else return;
  const container = node as Record<string | number, unknown>;
  const last = at === pattern.length - 1;
  for (const key of keys) {
    path.push(key);
    if (!last) applyRule(container[key], pattern, at + 1, transform, path, ctx);
    else {
      const tctx: TransformContext = { ...ctx, path: [...path] };
      const result = transformAt(transform, container[key], tctx);
      if (result === undefined) delete container[key];
      else container[key] = result;
    }
    path.pop();
  }
}

/**
 * The transform's result; an error of a helper that knows no key (a shell split's
 * unterminated quote) is reported at the value's key, so that it gets a file, line and column.
 */
function transformAt(transform: Transform, value: unknown, ctx: TransformContext): unknown {
  try {
    return transform(value, ctx);
  } catch (err) {
    if (err instanceof ComposeError && err.keyPath === undefined && err.position === undefined) {
      throw new ComposeError(err.kind, `${formatKeyPath(ctx.path)}: ${err.message}`, { keyPath: ctx.path, cause: err });
    }
    throw err;
  }
}

/** Adds the project's `default` network when a service joins it and it is not declared. */
function addDefaultNetwork(tree: Record<string, unknown>, ctx: NormalizeContext): void {
  const services = isRecord(tree.services) ? Object.values(tree.services) : [];
  const used = services.some((s) => isRecord(s) && isRecord(s.networks) && Object.hasOwn(s.networks, 'default'));
  const networks = isRecord(tree.networks) ? tree.networks : {};
  if (!used || Object.hasOwn(networks, 'default')) return;
  tree.networks = { ...networks, default: network(null, { ...ctx, path: ['networks', 'default'] }) };
}

export function normalize(tree: Record<string, unknown>, ctx: NormalizeContext): Record<string, unknown> {
  const out = structuredClone(tree);
  // `version` is obsolete and `include` has been resolved by the load phase.
  delete out.version;
  delete out.include;
  out.name = ctx.projectName;
  if (out.services === undefined || out.services === null) out.services = {};
  for (const section of ['networks', 'volumes', 'secrets', 'configs']) {
    if (out[section] === null) delete out[section];
  }
  for (const [pattern, transform] of SPLIT_RULES) applyRule(out, pattern, 0, transform, [], ctx);
  addDefaultNetwork(out, ctx);
  return { name: out.name, ...out };
}
