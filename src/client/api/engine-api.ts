import type { EngineClient } from '../engine-client.js';
import { ContainersApi } from './containers.js';
import { EventsApi } from './events.js';
import { ExecApi } from './exec.js';
import { ImagesApi } from './images.js';
import { NetworksApi } from './networks.js';
import { SystemApi } from './system.js';
import { VolumesApi } from './volumes.js';

// One object holding a typed API per resource, over one client.
export class EngineApi {
  readonly containers: ContainersApi;
  readonly networks: NetworksApi;
  readonly volumes: VolumesApi;
  readonly images: ImagesApi;
  readonly exec: ExecApi;
  readonly events: EventsApi;
  readonly system: SystemApi;

  constructor(readonly client: EngineClient) {
    this.containers = new ContainersApi(client);
    this.networks = new NetworksApi(client);
    this.volumes = new VolumesApi(client);
    this.images = new ImagesApi(client);
    this.exec = new ExecApi(client);
    this.events = new EventsApi(client);
    this.system = new SystemApi(client);
  }
}
