import type { NetworkCreateRequest } from '../../engine/types.js';
import { isConflict, isNotFound } from '../../errors.js';
import type { PlanEngine } from '../../plan/execute.js';
import type { VolumeCreateBody } from './volumes.js';
import type { EngineApi } from './engine-api.js';
import { ContainerWatch } from './container-watch.js';
import type { InlineFile } from '../../plan/container-mounts.js';
import type { ContainerCreateBody, EndpointConfig } from './wire.js';
import { versionAtLeast } from '../negotiate.js';

// The executor's engine: each plan operation as one typed API call. Removals treat "not
// found" as done (they are idempotent: `down` after a half-failed `up` must not trip).

export class ApiPlanEngine implements PlanEngine {
  private readonly watch: ContainerWatch;
  private berthd: Promise<boolean> | undefined;

  constructor(private readonly api: EngineApi, project: string) {
    this.watch = new ContainerWatch(api.containers, api.events, project);
  }

  /** Open the events subscription before anything starts. */
  open(): Promise<void> {
    return this.watch.open();
  }

  close(): Promise<void> {
    return this.watch.close();
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.api.images.inspect(image);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async createNetwork(body: NetworkCreateRequest): Promise<void> {
    await this.api.networks.create(body);
  }

  removeNetwork(name: string): Promise<void> {
    return ignoreMissing(this.api.networks.remove(name));
  }

  async createVolume(body: VolumeCreateBody): Promise<void> {
    await this.api.volumes.create(body);
  }

  removeVolume(name: string): Promise<void> {
    return ignoreMissing(this.api.volumes.remove(name));
  }

  /**
   * Engine API 1.44 takes every network endpoint at create. Before 1.44 dockerd (20.10:
   * 1.41) refuses more than one, so, as Compose does there, the container is created on
   * its primary network (HostConfig.NetworkMode) and connected to the others, in priority
   * order with their aliases and addresses, before anything starts it. berthd speaks 1.41
   * but takes every endpoint at create (and cannot yet connect a container that has not
   * started), so it gets the single create.
   */
  async createContainer(name: string, body: ContainerCreateBody, files: readonly InlineFile[] = []): Promise<void> {
    await this.createOnNetworks(name, body);
    // Inline secrets and configs, copied in as Compose does: after create, before any start.
    if (files.length) {
      // tar-stream only for inline secrets and configs: not loaded by every Compose command.
      const { filesTar } = await import('./files-tar.js');
      await this.api.containers.putArchive(name, '/', await filesTar(files));
    }
  }

  private async createOnNetworks(name: string, body: ContainerCreateBody): Promise<void> {
    const endpoints = body.NetworkingConfig?.EndpointsConfig ?? {};
    const networks = Object.keys(endpoints);
    if (networks.length <= 1 || (await this.takesEveryEndpoint())) {
      await this.api.containers.create(name, body);
      return;
    }
    const mode = body.HostConfig.NetworkMode;
    const primary = mode !== undefined && mode in endpoints ? mode : (networks[0] as string);
    await this.api.containers.create(name, { ...body, NetworkingConfig: { EndpointsConfig: { [primary]: endpoints[primary] ?? {} } } });
    for (const network of networks) {
      if (network !== primary) await this.connectNetwork(name, network, endpoints[network] ?? {});
    }
  }

  private takesEveryEndpoint(): Promise<boolean> {
    if (versionAtLeast(this.api.client.version, '1.44')) return Promise.resolve(true);
    return this.isBerthd();
  }

  /** Asked once, and only when it matters (several networks, a start to prepare): /version names berthd. */
  private isBerthd(): Promise<boolean> {
    return (this.berthd ??= this.api.system.version().then(
      (v) => v.Platform?.Name === 'berth',
      () => false,
    ));
  }

  async connectNetwork(container: string, network: string, endpoint: EndpointConfig): Promise<void> {
    await this.api.client.request('POST', `/networks/${encodeURIComponent(network)}/connect`, { body: { Container: container, EndpointConfig: endpoint } });
  }

  /** Only berthd has the extension (a failure is the executor's to ignore: it is a hint). */
  async prepareStart(name: string): Promise<void> {
    if (await this.isBerthd()) await this.api.containers.prepareStart(name);
  }

  startContainer(name: string): Promise<void> {
    return this.api.containers.start(name);
  }

  stopContainer(name: string, timeout?: number): Promise<void> {
    return ignoreMissing(this.api.containers.stop(name, timeout));
  }

  restartContainer(name: string, timeout?: number): Promise<void> {
    return this.api.containers.restart(name, timeout);
  }

  /** A container that stopped meanwhile is where a kill wanted it: not an error. */
  async killContainer(name: string, signal?: string): Promise<void> {
    try {
      await this.api.containers.kill(name, signal);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const state = await this.api.containers.inspect(name);
      if (state.State.Running) throw err;
    }
  }

  pauseContainer(name: string): Promise<void> {
    return this.api.containers.pause(name);
  }

  unpauseContainer(name: string): Promise<void> {
    return this.api.containers.unpause(name);
  }

  renameContainer(name: string, to: string): Promise<void> {
    return this.api.containers.rename(name, to);
  }

  removeContainer(name: string, opts: { volumes: boolean; force: boolean }): Promise<void> {
    return ignoreMissing(this.api.containers.remove(name, opts));
  }

  removeImage(image: string): Promise<void> {
    return ignoreMissing(this.api.images.remove(image));
  }

  awaitHealthy(container: string, signal: AbortSignal): Promise<void> {
    return this.watch.awaitHealthy(container, signal);
  }

  awaitExit(container: string, requireZero: boolean, signal: AbortSignal): Promise<number> {
    return this.watch.awaitExit(container, requireZero, signal);
  }

  awaitReady(container: string, signal: AbortSignal): Promise<'Healthy' | 'Running'> {
    return this.watch.awaitReady(container, signal);
  }
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
