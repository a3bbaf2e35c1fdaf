// The runtime layer's public surface for the engine: spec generation, bundles, drivers,
// and the shim's on-disk outputs.
export { buildSpec, INIT_DESTINATION, type BuildSpecOptions, type InitBinary } from './spec.js';
export type { OciSpec } from './oci-spec.js';
export { writeBundle, removeBundle, CONFIG_FILE } from './bundle.js';
export { createRuntimeDriver, runtimeNameFromEnv, type RuntimeDriverOptions } from './drivers/create-runtime-driver.js';
export { OciRuntimeDriver } from './drivers/oci-driver.js';
export { RUNTIME_NAMES, type RuntimeName } from './drivers/runtime-invocation.js';
export { readExitRecord, waitForExit, EXIT_FILE } from './exit-record.js';
export { readJsonLog, parseJsonLog, logText, followJsonLog, type JsonLogEntry } from './json-log.js';
export { execProcess, mergeEnv, type ExecRequest } from './exec-process.js';
export { isShimAlive, readShimPid } from './shim-state.js';
export { findInitBinary } from './init-binary.js';
export { hostCapabilities } from './host-capabilities.js';
