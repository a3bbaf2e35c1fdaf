import type { EngineClient } from '../engine-client.js';
import type { VolumeRecord } from '../../engine/types.js';
import { filtersParam } from './filters.js';

export interface VolumeCreateBody {
  Name: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

// Typed calls for /volumes.
export class VolumesApi {
  constructor(private readonly client: EngineClient) {}

  async list(filters?: Record<string, string[]>): Promise<VolumeRecord[]> {
    const res = await this.client.request<{ Volumes: VolumeRecord[] | null }>('GET', '/volumes', { query: { filters: filtersParam(filters) } });
    return res.Volumes ?? [];
  }

  inspect(name: string): Promise<VolumeRecord> {
    return this.client.request<VolumeRecord>('GET', `/volumes/${encodeURIComponent(name)}`);
  }

  create(body: VolumeCreateBody): Promise<VolumeRecord> {
    return this.client.request<VolumeRecord>('POST', '/volumes/create', { body });
  }

  async remove(name: string, force = false): Promise<void> {
    await this.client.request('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force: force ? 1 : undefined } });
  }
}
