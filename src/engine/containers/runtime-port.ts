import type { InitBinary } from '../../runtime/spec.js';
import type { ExitRecord, RuntimeDriver } from '../../runtime/types.js';

// What the container service needs of the runtime layer, handed in by the composition
// root (engine.ts) so this folder depends on contracts only.
export interface RuntimePort {
  driver: RuntimeDriver;
  /** Resolves when the shim writes <stateDir>/exit.json (fs.watch, no polling). */
  waitForExit(stateDir: string, signal?: AbortSignal): Promise<ExitRecord>;
  /** The exit record if the container already exited. */
  readExitRecord(stateDir: string): Promise<ExitRecord | undefined>;
  /** Is the container's shim running (a zombie is not); undefined when it has no shim.pid. */
  isShimAlive(stateDir: string): boolean | undefined;
  /** Write the record a shim killed before its container's exit could not (exit code 255). */
  recordLostExit(stateDir: string): ExitRecord;
  /** For HostConfig.Init (findInitBinary); undefined when there is none, and Init then fails the start. */
  init: InitBinary | undefined;
  /** What "all capabilities" (Privileged, CapAdd ALL) can mean here: the daemon's bounding set. */
  capabilities: readonly string[];
}

/** Where one container's files live. */
export interface ContainerPaths {
  dir: string;
  bundle: string;
  rootfs: string;
  /** The shim's state dir (shim.pid, exit.json, attach.sock); short, for the socket path limit. */
  stateDir: string;
  logPath: string;
}
