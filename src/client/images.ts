import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { ImageHistoryWire, ImageInspectWire, ImageSummaryWire } from '../daemon/routes/images.js';
import { readAll, type EngineClient } from './engine-client.js';

// Typed image calls over the Engine API; they work against berthd and dockerd alike.

export type { ImageHistoryWire, ImageInspectWire, ImageSummaryWire };

export interface DeleteItem {
  Untagged?: string;
  Deleted?: string;
}

/** One line of Docker's JSON progress stream. */
export interface ProgressLine {
  status?: string;
  stream?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export class ImagesClient {
  constructor(private readonly engine: EngineClient) {}

  /** dockerd sends null for an empty RepoTags/RepoDigests (Go's nil slice): read as []. */
  async list(opts: { all?: boolean; filters?: Record<string, string[]>; digests?: boolean } = {}): Promise<ImageSummaryWire[]> {
    const list = await this.engine.request<ImageSummaryWire[]>('GET', '/images/json', {
      query: {
        all: opts.all ? 1 : undefined,
        digests: opts.digests ? 1 : undefined,
        filters: opts.filters && Object.keys(opts.filters).length > 0 ? JSON.stringify(opts.filters) : undefined,
      },
    });
    return list.map((image) => ({ ...image, RepoTags: image.RepoTags ?? [], RepoDigests: image.RepoDigests ?? [] }));
  }

  inspect(ref: string): Promise<ImageInspectWire> {
    return this.engine.request<ImageInspectWire>('GET', `/images/${seg(ref)}/json`);
  }

  history(ref: string): Promise<ImageHistoryWire[]> {
    return this.engine.request<ImageHistoryWire[]>('GET', `/images/${seg(ref)}/history`);
  }

  async tag(source: string, target: string): Promise<void> {
    const { repo, tag } = splitRepoTag(target);
    await this.engine.request('POST', `/images/${seg(source)}/tag`, { query: { repo, tag } });
  }

  remove(ref: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<DeleteItem[]> {
    return this.engine.request<DeleteItem[]>('DELETE', `/images/${seg(ref)}`, { query: { force: opts.force ? 1 : undefined, noprune: opts.noPrune ? 1 : undefined } });
  }

  prune(filters: Record<string, string[]> = {}): Promise<{ ImagesDeleted: DeleteItem[] | null; SpaceReclaimed: number }> {
    return this.engine.request('POST', '/images/prune', { query: { filters: Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined } });
  }

  /** docker import: returns the new image ID. */
  async import(tarball: Readable, opts: { ref?: string; changes?: string[]; message?: string } = {}): Promise<string> {
    const { repo, tag } = opts.ref ? splitRepoTag(opts.ref) : { repo: undefined, tag: undefined };
    const res = await this.engine.stream('POST', '/images/create', {
      query: { fromSrc: '-', repo, tag, changes: opts.changes, message: opts.message },
      rawBody: tarball,
    });
    const lines = parseProgress(await readAll(res));
    const id = [...lines].reverse().find((l) => l.status?.startsWith('sha256:'))?.status;
    if (!id) throw new BerthError('internal', 'the engine answered the import without an image ID');
    return id;
  }

  /** docker load: returns the engine's messages ("Loaded image: busybox:latest"). */
  async load(archive: Readable, opts: { quiet?: boolean } = {}): Promise<string[]> {
    const res = await this.engine.stream('POST', '/images/load', { query: { quiet: opts.quiet ? 1 : undefined }, rawBody: archive });
    return parseProgress(await readAll(res))
      .map((l) => (l.stream ?? l.status ?? '').trim())
      .filter((s) => s !== '');
  }

  /** docker save: the archive as a stream (format 'oci' is a berth extension). */
  save(refs: string[], format: 'docker' | 'oci' = 'docker'): Promise<Readable> {
    const query = { names: refs, format: format === 'oci' ? 'oci' : undefined };
    return refs.length === 1 && format === 'docker'
      ? this.engine.stream('GET', `/images/${seg(refs[0] ?? '')}/get`)
      : this.engine.stream('GET', '/images/get', { query });
  }
}

/** An image name in a URL path: escaped, but its '/' kept (Docker's `:name*` routes). */
const seg = (name: string): string => name.split('/').map(encodeURIComponent).join('/');

/** "repo[:tag]" split at the tag colon (a registry port's colon is not a tag). */
export function splitRepoTag(ref: string): { repo: string; tag: string | undefined } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repo: ref, tag: undefined };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: undefined };
}

/** Parse a JSON-lines progress body; an `error` line becomes a thrown error. */
export function parseProgress(body: Buffer): ProgressLine[] {
  const lines: ProgressLine[] = [];
  for (const text of body.toString('utf8').split('\n')) {
    if (text.trim() === '') continue;
    let line: ProgressLine;
    try {
      line = JSON.parse(text) as ProgressLine;
    } catch {
      continue;
    }
    if (line.error !== undefined) throw new BerthError('internal', line.errorDetail?.message ?? line.error);
    lines.push(line);
  }
  return lines;
}
