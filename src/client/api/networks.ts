import type { EngineClient } from '../engine-client.js';
import type { NetworkCreateRequest, NetworkRecord } from '../../engine/types.js';
import { filtersParam } from './filters.js';

// Typed calls for /networks.
export class NetworksApi {
  constructor(private readonly client: EngineClient) {}

  list(filters?: Record<string, string[]>): Promise<NetworkRecord[]> {
    return this.client.request<NetworkRecord[]>('GET', '/networks', { query: { filters: filtersParam(filters) } });
  }

  inspect(idOrName: string): Promise<NetworkRecord> {
    return this.client.request<NetworkRecord>('GET', `/networks/${encodeURIComponent(idOrName)}`);
  }

  async create(body: NetworkCreateRequest): Promise<string> {
    const res = await this.client.request<{ Id: string }>('POST', '/networks/create', { body });
    return res.Id;
  }

  async remove(idOrName: string): Promise<void> {
    await this.client.request('DELETE', `/networks/${encodeURIComponent(idOrName)}`);
  }
}
