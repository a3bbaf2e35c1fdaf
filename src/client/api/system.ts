import type { EngineClient } from '../engine-client.js';
import type { VersionInfo } from './wire.js';

// GET /version and /_ping.
export class SystemApi {
  constructor(private readonly client: EngineClient) {}

  version(): Promise<VersionInfo> {
    return this.client.request<VersionInfo>('GET', '/version');
  }

  ping(): Promise<boolean> {
    return this.client.ping();
  }
}
