import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineClient } from '../engine-client.js';
import { prepareStartPath } from '../../api-extensions.js';
import { filtersParam } from './filters.js';
import type { ContainerCreateBody, ContainerInspect, ContainerSummary } from './wire.js';

// Typed calls for /containers: one method per engine endpoint, no decisions.
export class ContainersApi {
  constructor(private readonly client: EngineClient) {}

  list(opts: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<ContainerSummary[]> {
    return this.client.request<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: opts.all ? 1 : undefined, filters: filtersParam(opts.filters) },
    });
  }

  async create(name: string | undefined, body: ContainerCreateBody): Promise<string> {
    const res = await this.client.request<{ Id: string }>('POST', '/containers/create', { query: { name }, body });
    return res.Id;
  }

  inspect(id: string): Promise<ContainerInspect> {
    return this.client.request<ContainerInspect>('GET', `/containers/${encodeURIComponent(id)}/json`);
  }

  /** berth's extension (api-extensions.ts): the start is near. */
  async prepareStart(id: string): Promise<void> {
    await this.client.request('POST', prepareStartPath(id));
  }

  async start(id: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/start`);
  }

  /** `timeout` in seconds; undefined lets the engine use the container's StopTimeout. */
  async stop(id: string, timeout?: number): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/stop`, { query: { t: timeout } });
  }

  async restart(id: string, timeout?: number): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/restart`, { query: { t: timeout } });
  }

  async kill(id: string, signal?: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal } });
  }

  async pause(id: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/pause`);
  }

  async unpause(id: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/unpause`);
  }

  async rename(id: string, name: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/rename`, { query: { name } });
  }

  async remove(id: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.client.request('DELETE', `/containers/${encodeURIComponent(id)}`, {
      query: { force: opts.force ? 1 : undefined, v: opts.volumes ? 1 : undefined },
    });
  }

  /** Blocks until the condition holds; resolves to the exit code. */
  async wait(id: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running', signal?: AbortSignal): Promise<number> {
    const res = await this.client.request<{ StatusCode: number }>('POST', `/containers/${encodeURIComponent(id)}/wait`, { query: { condition }, signal });
    return res.StatusCode;
  }

  top(id: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    return this.client.request('GET', `/containers/${encodeURIComponent(id)}/top`, { query: { ps_args: psArgs } });
  }

  logs(id: string, opts: { follow?: boolean; tail?: string; timestamps?: boolean; since?: string; until?: string; signal?: AbortSignal }): Promise<IncomingMessage> {
    return this.client.stream('GET', `/containers/${encodeURIComponent(id)}/logs`, {
      query: {
        stdout: 1,
        stderr: 1,
        follow: opts.follow ? 1 : undefined,
        tail: opts.tail,
        timestamps: opts.timestamps ? 1 : undefined,
        since: opts.since,
        until: opts.until,
      },
      signal: opts.signal,
    });
  }

  /** Attach to stdio (hijacked); used by `run` for an interactive container. */
  attach(id: string, opts: { stdin: boolean }): Promise<{ socket: Duplex; head: Buffer }> {
    return this.client.hijack('POST', `/containers/${encodeURIComponent(id)}/attach`, {
      query: { stream: 1, stdin: opts.stdin ? 1 : undefined, stdout: 1, stderr: 1 },
    });
  }

  /** A tar stream of `path` inside the container (cp out). */
  getArchive(id: string, path: string): Promise<IncomingMessage> {
    return this.client.stream('GET', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } });
  }

  /** Extract a tar stream into the directory `path` inside the container (cp in). */
  async putArchive(id: string, path: string, tar: NodeJS.ReadableStream | Buffer): Promise<void> {
    const rawBody = Buffer.isBuffer(tar) ? tar : (tar as unknown as import('node:stream').Readable);
    await this.client.request('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { path }, rawBody, contentType: 'application/x-tar' });
  }
}
