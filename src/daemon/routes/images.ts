import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { invalid, unavailable } from '../../errors.js';
import type { ImageRecord, ImageService } from '../../engine/types.js';
import { parseFilters, queryBool } from '../filters.js';
import { HANDLED, Reply, type RouteContext, type Router } from '../router.js';

// Docker Engine API 1.41 image endpoints: wire shapes and status codes only; the work is
// the ImageService's. Fixed paths are registered before the `:name*` ones so that
// /images/json is never read as an image called "json".

/** GET /images/json item. */
export interface ImageSummaryWire {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  VirtualSize: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

/** GET /images/{name}/json. */
export interface ImageInspectWire {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: typeof EMPTY_CONFIG;
  DockerVersion: string;
  Author: string;
  /** The image's run config over dockerd's empty one: Env, Volumes and Labels may be null there. */
  Config: Omit<ImageRecord['config'], 'Env' | 'Volumes' | 'Labels'> & UnsetConfig;
  Architecture: string;
  Os: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: 'layers'; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface ImageRouteOptions {
  /** Whether a container uses the image (DELETE refuses then, unless forced). */
  inUse?: (imageId: string) => boolean;
}

export function registerImageRoutes(router: Router, images: ImageService, opts: ImageRouteOptions = {}): void {
  router.get('/images/json', async (ctx) => listImages(images, ctx));
  router.post('/images/create', async (ctx) => createImage(images, ctx));
  router.post('/images/load', async (ctx) => loadImages(images, ctx));
  router.get('/images/get', async (ctx) => saveImages(images, ctx, ctx.query.getAll('names')));
  router.post('/images/prune', async (ctx) => pruneImages(images, parseFilters(ctx.query.get('filters')), opts.inUse ?? (() => false)));
  router.get('/images/:name*/json', async (ctx) => inspectWireOf(images, await images.inspect(nameOf(ctx))));
  router.get('/images/:name*/get', async (ctx) => saveImages(images, ctx, [nameOf(ctx)]));
  router.get('/images/:name*/history', async (ctx) => historyWire(await images.inspect(nameOf(ctx))));
  router.post('/images/:name*/tag', async (ctx) => {
    const repo = ctx.query.get('repo');
    if (!repo) throw invalid('repository name (repo) is required');
    const tag = ctx.query.get('tag');
    await images.tag(nameOf(ctx), tag ? `${repo}:${tag}` : repo);
    return new Reply(201);
  });
  router.delete('/images/:name*', async (ctx) => {
    const force = queryBool(ctx.query, 'force');
    return images.remove(nameOf(ctx), opts.inUse ? { force, inUse: opts.inUse } : { force });
  });
}

const nameOf = (ctx: RouteContext): string => ctx.params.name ?? '';

async function listImages(images: ImageService, ctx: RouteContext): Promise<ImageSummaryWire[]> {
  const filters = parseFilters(ctx.query.get('filters'));
  // before/since name images: compare creation times with theirs.
  const { before = [], since = [], ...rest } = filters;
  const createdOf = async (ref: string): Promise<number> => Date.parse((await images.inspect(ref)).created);
  const notAfter = await Promise.all(before.map(createdOf));
  const notBefore = await Promise.all(since.map(createdOf));
  const records = (await images.list()).filter((r) => {
    const t = Date.parse(r.created);
    return matches(r, rest) && notAfter.every((b) => t < b) && notBefore.every((s) => t > s);
  });
  return records.map((r) => ({
    Id: r.id,
    ParentId: '',
    // API 1.41 shows untagged images as <none>; newer versions send empty lists.
    RepoTags: r.repoTags.length > 0 ? r.repoTags : ['<none>:<none>'],
    RepoDigests: r.repoDigests.length > 0 ? r.repoDigests : r.repoTags.length > 0 ? [] : ['<none>@<none>'],
    Created: Math.floor(Date.parse(r.created) / 1000) || 0,
    Size: r.size,
    VirtualSize: r.size,
    SharedSize: -1,
    Labels: r.config.Labels ?? null,
    Containers: -1,
  }));
}

function matches(r: ImageRecord, filters: Record<string, string[]>): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    switch (key) {
      case 'dangling': {
        const want = values.some((v) => v === 'true' || v === '1');
        if ((r.repoTags.length === 0) !== want) return false;
        break;
      }
      case 'label': {
        const labels = r.config.Labels ?? {};
        const ok = values.every((v) => {
          const eq = v.indexOf('=');
          return eq < 0 ? labels[v] !== undefined : labels[v.slice(0, eq)] === v.slice(eq + 1);
        });
        if (!ok) return false;
        break;
      }
      case 'reference':
        if (!values.some((pattern) => r.repoTags.some((tag) => referenceMatches(pattern, tag)))) return false;
        break;
      default:
        throw invalid(`invalid filter '${key}'`);
    }
  }
  return true;
}

/** Docker's reference filter: a glob on "name" or "name:tag" ('*' does not cross '/'). */
export function referenceMatches(pattern: string, repoTag: string): boolean {
  const glob = (p: string): RegExp => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const colon = repoTag.lastIndexOf(':');
  const name = repoTag.slice(0, colon);
  return glob(pattern).test(repoTag) || (!pattern.includes(':') && glob(pattern).test(name));
}

/** The Config fields dockerd shows for an image that sets nothing there (null where it sets nothing). */
interface UnsetConfig {
  Hostname: string;
  Domainname: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  OnBuild: null;
  Labels: Record<string, string> | null;
}

/** dockerd's container config with nothing set: what an image's Config shows for what the image leaves out. */
const EMPTY_CONFIG: UnsetConfig & { User: string; Cmd: null; WorkingDir: string; Entrypoint: null } = {
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: null,
  Cmd: null,
  Image: '',
  Volumes: null,
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: null,
};

export function inspectWire(r: ImageRecord, layerDirs: string[] = []): ImageInspectWire {
  const [top, ...lower] = layerDirs;
  return {
    Id: r.id,
    RepoTags: r.repoTags,
    RepoDigests: r.repoDigests,
    Parent: '',
    Comment: r.comment ?? '',
    Created: r.created,
    Container: '',
    ContainerConfig: { ...EMPTY_CONFIG },
    DockerVersion: '',
    Author: r.author ?? '',
    Config: { ...EMPTY_CONFIG, ...r.config },
    Architecture: r.architecture,
    Os: r.os,
    Size: r.size,
    VirtualSize: r.size,
    GraphDriver: { Name: 'overlay2', Data: top === undefined ? null : { UpperDir: top, ...(lower.length > 0 ? { LowerDir: lower.join(':') } : {}) } },
    RootFS: { Type: 'layers', Layers: r.layers },
    // Go clients parse this as a time: Docker's zero time means "never tagged here".
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
}

async function inspectWireOf(images: ImageService, r: ImageRecord): Promise<ImageInspectWire> {
  return inspectWire(r, await images.layerDirs(r.id).catch(() => []));
}

/**
 * POST /images/prune: delete dangling images (all unused ones with dangling=false) that no
 * container uses. SpaceReclaimed counts the images whose layers no remaining image shares.
 */
async function pruneImages(images: ImageService, filters: Record<string, string[]>, inUse: (id: string) => boolean): Promise<{ ImagesDeleted: { Untagged?: string; Deleted?: string }[] | null; SpaceReclaimed: number }> {
  for (const key of Object.keys(filters)) if (key !== 'dangling' && key !== 'label') throw invalid(`invalid filter '${key}'`);
  const danglingOnly = !(filters.dangling ?? []).some((v) => v === 'false' || v === '0');
  const all = await images.list();
  const doomed = all.filter((r) => (!danglingOnly || r.repoTags.length === 0) && !inUse(r.id) && matches(r, { label: filters.label ?? [] }));
  const kept = new Set(all.filter((r) => !doomed.includes(r)).flatMap((r) => r.layers));
  const deleted: { Untagged?: string; Deleted?: string }[] = [];
  let reclaimed = 0;
  for (const r of doomed) {
    deleted.push(...(await images.remove(r.id, { force: true, inUse })));
    if (r.layers.every((l) => !kept.has(l))) reclaimed += r.size;
  }
  return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
}

/** GET /images/{name}/history item. */
export interface ImageHistoryWire {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** Newest step first; only the top step carries the image ID and tags, as Docker answers. */
export function historyWire(r: ImageRecord): ImageHistoryWire[] {
  const steps = [...(r.history ?? [])].reverse();
  return steps.map((h, i) => ({
    Id: i === 0 ? r.id : '<missing>',
    Created: h.created ? Math.floor(Date.parse(h.created) / 1000) || 0 : 0,
    CreatedBy: h.createdBy ?? '',
    Tags: i === 0 && r.repoTags.length > 0 ? r.repoTags : null,
    Size: h.size,
    Comment: h.comment ?? '',
  }));
}

/** POST /images/create: `fromSrc=-` imports the request body (docker import). */
async function createImage(images: ImageService, ctx: RouteContext): Promise<typeof HANDLED> {
  const q = ctx.query;
  if (q.get('fromImage')) throw unavailable('pulling images from a registry is not supported by this engine');
  const fromSrc = q.get('fromSrc');
  if (fromSrc !== '-') throw invalid(fromSrc ? `importing from ${fromSrc} is not supported: send the tarball as the request body (fromSrc=-)` : 'fromSrc or fromImage is required');
  const repo = q.get('repo');
  const tag = q.get('tag');
  const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
  const message = q.get('message');
  const record = await images.importRootfs(ctx.req, {
    ...(ref ? { ref } : {}),
    changes: q.getAll('changes'),
    ...(message ? { message } : {}),
  });
  jsonLines(ctx, [{ status: record.id }]);
  return HANDLED;
}

/** POST /images/load: the body is a docker save or OCI layout archive. */
async function loadImages(images: ImageService, ctx: RouteContext): Promise<typeof HANDLED> {
  const records = await images.load(ctx.req);
  const lines = records.flatMap((r) => (r.repoTags.length > 0 ? r.repoTags.map((t) => `Loaded image: ${t}\n`) : [`Loaded image ID: ${r.id}\n`]));
  jsonLines(ctx, lines.map((stream) => ({ stream })));
  return HANDLED;
}

/** GET /images/get and /images/{name}/get: a tar stream (format=oci for an OCI layout). */
async function saveImages(images: ImageService, ctx: RouteContext, names: string[]): Promise<typeof HANDLED> {
  if (names.length === 0) throw invalid('name at least one image (names=...)');
  const format = ctx.query.get('format') ?? 'docker';
  if (format !== 'docker' && format !== 'oci') throw invalid(`unknown archive format "${format}" (docker or oci)`);
  const out = new LazyResponse(ctx.res);
  try {
    await images.save(names, out, format);
  } catch (err) {
    // Before the first byte the error is still a clean status answer (404 for a bad name).
    if (!out.started) throw err;
    ctx.res.destroy(err as Error);
  }
  return HANDLED;
}

/** Writes the 200 header only with the first byte of the archive. */
class LazyResponse extends Writable {
  started = false;

  constructor(private readonly res: ServerResponse) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    }
    if (this.res.write(chunk)) cb();
    else this.res.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    }
    this.res.end(() => cb());
  }
}

function jsonLines(ctx: RouteContext, lines: unknown[]): void {
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}
