import type { EngineClient } from '../engine-client.js';
import type { ImageInspect } from './wire.js';

// The two image calls the orchestrator needs: presence checks (pull policy) and
// `down --rmi`. The image commands themselves belong to `berth images`.
export class ImagesApi {
  constructor(private readonly client: EngineClient) {}

  inspect(ref: string): Promise<ImageInspect> {
    return this.client.request<ImageInspect>('GET', `/images/${ref}/json`);
  }

  async remove(ref: string, force = false): Promise<void> {
    await this.client.request('DELETE', `/images/${ref}`, { query: { force: force ? 1 : undefined } });
  }
}
