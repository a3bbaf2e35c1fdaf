import path from 'node:path';
import { hostCapabilities } from '../runtime/host-capabilities.js';
import { findInitBinary } from '../runtime/init-binary.js';
import { ImageStore } from './images/image-store.js';
import { BridgeNetworkService } from './networks/network-service.js';
import { createRuntimeDriver } from '../runtime/drivers/create-runtime-driver.js';
import type { RuntimeName } from '../runtime/drivers/runtime-invocation.js';
import { readExitRecord, recordLostExit, waitForExit } from '../runtime/exit-record.js';
import { isShimAliveSync } from '../runtime/shim-state.js';
import { Containers } from './containers/containers.js';
import { ExecService } from './containers/exec-service.js';
import { withImageEvents, withNetworkEvents } from './event-decorators.js';
import { EventBus } from './events.js';
import { runTool } from './spawn-server.js';
import type { ImageService, NetworkService } from './types.js';
import { LocalVolumes } from './volumes/local-volumes.js';

// The composition root: builds each service once and hands them to each other. berthd
// (src/daemon) gets an Engine and only translates the wire.

export interface EngineOptions {
  root: string;
  run: string;
  /** berth-core (default), runc or crun; BERTH_RUNTIME otherwise. */
  runtime?: RuntimeName;
}

export class Engine {
  readonly events = new EventBus();
  readonly imageStore: ImageStore;
  readonly images: ImageService;
  readonly networks: NetworkService;
  readonly volumes: LocalVolumes;
  readonly containers: Containers;
  readonly execs: ExecService;
  readonly runtimeName: string;
  readonly startedAt = new Date();

  private constructor(readonly opts: EngineOptions) {
    this.imageStore = new ImageStore(path.join(opts.root, 'images'));
    this.images = withImageEvents(this.imageStore, this.events);
    // Two namespaces with their veth ready per bridge network in use (BERTH_SANDBOX_POOL=0: none).
    const pool = Number(process.env.BERTH_SANDBOX_POOL ?? 2);
    this.networks = withNetworkEvents(new BridgeNetworkService({ root: opts.root, runDir: opts.run, sandboxPool: Number.isInteger(pool) && pool >= 0 ? pool : 2 }), this.events);
    this.volumes = new LocalVolumes(opts.root, this.events);
    // Runtime verbs and the shim are forked by the spawn server, not by node (which blocks
    // ~3 ms per child). The server's jobs run with SIGINT and SIGQUIT ignored: berth-shim
    // resets every disposition and the signal mask first, so the container inherits none.
    const driver = createRuntimeDriver(opts.runtime, {
      stateRoot: path.join(opts.run, 'runtime'),
      runner: (file, args) => runTool(file, args),
      shimRunner: (file: string, args: string[]) => runTool(file, args),
    });
    this.runtimeName = driver.name;
    this.containers = new Containers({
      root: opts.root,
      run: opts.run,
      images: this.images,
      networks: this.networks,
      volumes: this.volumes,
      runtime: { driver, waitForExit, readExitRecord, recordLostExit, isShimAlive: isShimAliveSync, init: findInitBinary(), capabilities: hostCapabilities() },
      events: this.events,
    });
    this.execs = new ExecService(this.containers);
  }

  /** Build the engine and restore what a previous berthd left: networks, then containers. */
  static async open(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts);
    await engine.imageStore.init();
    await engine.networks.restore();
    await engine.containers.load();
    return engine;
  }

  /** Stop watching; containers keep running (their shims own them). */
  async close(): Promise<void> {
    this.containers.close();
    await this.containers.drain();
    await this.networks.close();
  }
}
