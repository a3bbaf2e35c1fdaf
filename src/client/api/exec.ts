import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { EngineClient } from '../engine-client.js';
import type { ExecCreateBody, ExecInspect } from './wire.js';

// Typed calls for exec: create on a container, start (hijacked when stdin is attached,
// a plain stream otherwise), inspect for the exit code.
export class ExecApi {
  constructor(private readonly client: EngineClient) {}

  async create(containerId: string, body: ExecCreateBody): Promise<string> {
    const res = await this.client.request<{ Id: string }>('POST', `/containers/${encodeURIComponent(containerId)}/exec`, { body });
    return res.Id;
  }

  /** Start detached: returns once the process is running. */
  async startDetached(execId: string): Promise<void> {
    await this.client.request('POST', `/exec/${execId}/start`, { body: { Detach: true, Tty: false } });
  }

  /** Start with output streamed back (no stdin). */
  startStream(execId: string, tty: boolean): Promise<IncomingMessage> {
    return this.client.stream('POST', `/exec/${execId}/start`, { body: { Detach: false, Tty: tty } });
  }

  /** Start with stdin: the connection is upgraded to a raw duplex. */
  startHijacked(execId: string, tty: boolean): Promise<{ socket: Duplex; head: Buffer }> {
    return this.client.hijack('POST', `/exec/${execId}/start`, { body: { Detach: false, Tty: tty } });
  }

  inspect(execId: string): Promise<ExecInspect> {
    return this.client.request<ExecInspect>('GET', `/exec/${execId}/json`);
  }

  async resize(execId: string, rows: number, cols: number): Promise<void> {
    await this.client.request('POST', `/exec/${execId}/resize`, { query: { h: rows, w: cols } });
  }
}
