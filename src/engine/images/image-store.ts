import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { conflict, internal } from '../../errors.js';
import type { ImageRecord, ImageService } from '../types.js';
import { BlobStore } from './blob-store.js';
import { collectGarbage } from './gc.js';
import { importRootfs, type ImportOptions } from './import-rootfs.js';
import { decompressed } from './compression.js';
import { LayerStore } from './layer-store.js';
import { loadArchive } from './load-archive.js';
import { writeOciIndex } from './oci-index-file.js';
import { parseManifest } from './oci.js';
import { mountOverlay, unmountOverlay } from './overlay-mount.js';
import { buildRecord } from './record.js';
import { familiarTagged, normalizeTagged } from './reference.js';
import { resolveImage, tagsOf } from './resolve.js';
import { saveArchive } from './save-archive.js';
import { StoreIndex, writeAtomic, type Descriptor, type StoreState } from './store-index.js';

// The image store: an OCI image layout under <BERTH_ROOT>/images (blobs/sha256,
// index.json, oci-layout), the store index (repositories.json), unpacked layers
// (layers/<diffid>) and the overlay mounts of container roots.

export interface NewImage {
  id: string;
  manifest: Descriptor;
  layers: { diffId: string; size: number }[];
}

export class ImageStore implements ImageService {
  readonly blobs: BlobStore;
  readonly layerStore: LayerStore;
  readonly index: StoreIndex;
  private activeWriters = 0;
  private gcPending = false;
  private gcRunning: Promise<void> | undefined;
  private ready: Promise<void> | undefined;

  constructor(readonly root: string) {
    this.blobs = new BlobStore(root, path.join(root, 'tmp'));
    this.layerStore = new LayerStore(root);
    this.index = new StoreIndex(root, (state) => writeOciIndex(root, state));
  }

  /** Create the layout on first use; clears temp files an interrupted run left. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.root, { recursive: true });
      await rm(path.join(this.root, 'tmp'), { recursive: true, force: true });
      await this.blobs.init();
      await this.layerStore.init();
      await writeAtomic(path.join(this.root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeOciIndex(this.root, await this.index.read());
      // A crash between writing a blob or layer and registering its image leaves orphans.
      await this.index.exclusive(async () => {
        await collectGarbage(this, await this.index.read());
      });
    })();
    return this.ready;
  }

  async state(): Promise<StoreState> {
    await this.init();
    return this.index.read();
  }

  async list(): Promise<ImageRecord[]> {
    const state = await this.state();
    const records = await Promise.all(Object.keys(state.images).map((id) => buildRecord(this.blobs, state, id)));
    return records.sort((a, b) => (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0));
  }

  async inspect(ref: string): Promise<ImageRecord> {
    const state = await this.state();
    return buildRecord(this.blobs, state, resolveImage(state, ref).id);
  }

  async tag(ref: string, newRef: string): Promise<void> {
    await this.init();
    const key = normalizeTagged(newRef);
    await this.index.update((state) => {
      state.refs[key] = resolveImage(state, ref).id;
    });
  }

  async remove(ref: string, opts: { force?: boolean; inUse?: (imageId: string) => boolean } = {}): Promise<{ Untagged?: string; Deleted?: string }[]> {
    await this.init();
    const force = opts.force ?? false;
    const answer = await this.index.update((state) => {
      const resolved = resolveImage(state, ref);
      const id = resolved.id;
      const tags = tagsOf(state, id);
      const used = opts.inUse?.(id) ?? false;
      const out: { Untagged?: string; Deleted?: string }[] = [];
      const byName = resolved.tagged ?? resolved.digested;
      // Docker: naming one of several tags only untags it.
      if (resolved.tagged !== undefined && tags.length > 1) {
        delete state.refs[resolved.tagged];
        return [{ Untagged: familiarTagged(resolved.tagged) }];
      }
      if (byName === undefined && tags.length > 1 && !force) {
        throw conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
      }
      if (used && !force) {
        const what = byName === undefined ? shortId(id) : `repository reference "${ref}"`;
        throw conflict(`conflict: unable to remove ${what} (must force) - image ${shortId(id)} is being used by a container`);
      }
      for (const key of tags) {
        delete state.refs[key];
        out.push({ Untagged: familiarTagged(key) });
      }
      if (resolved.digested !== undefined && tags.length === 0) out.push({ Untagged: resolved.digested });
      // An image a container still uses stays (untagged) so its layers stay mounted.
      if (!used) {
        delete state.images[id];
        out.push({ Deleted: id });
      }
      return out;
    });
    if (answer.some((a) => a.Deleted !== undefined)) await this.gc();
    return answer;
  }

  async importRootfs(tar: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
    await this.init();
    const image = await importRootfs(this, tar, opts);
    return this.inspect(image.id);
  }

  /**
   * The records' repoTags are the tags this archive named (what `docker load` reports
   * as "Loaded image: ..."), not every tag the image may already have had here.
   */
  async load(archive: Readable): Promise<ImageRecord[]> {
    await this.init();
    const loaded = await loadArchive(this, archive);
    const state = await this.index.read();
    return Promise.all(
      loaded.map(async ({ id, tags }) => ({ ...(await buildRecord(this.blobs, state, id)), repoTags: tags.map(familiarTagged) })),
    );
  }

  async save(refs: string[], out: Writable, format: 'docker' | 'oci' = 'docker'): Promise<void> {
    const state = await this.state();
    await saveArchive(this.blobs, state, refs, out, format);
  }

  async mountRootfs(imageId: string, containerDir: string): Promise<string> {
    const state = await this.state();
    const id = resolveImage(state, imageId).id;
    const diffIds = await this.diffIds(state, id);
    await this.ensureLayers(state, id, diffIds);
    const top = [...diffIds].reverse();
    return mountOverlay(
      { cwd: this.root, lowers: top.map((d) => this.layerStore.path(d)), shortLowers: top.map((d) => this.layerStore.shortName(d)) },
      containerDir,
    );
  }

  /** Unpack again, from their blobs, any of the image's layers whose directory is gone. */
  private async ensureLayers(state: StoreState, id: string, diffIds: string[]): Promise<void> {
    const missing: number[] = [];
    for (const [i, d] of diffIds.entries()) if (!this.layerStore.hasSync(d)) missing.push(i);
    if (missing.length === 0) return;
    const entry = state.images[id];
    if (!entry) return;
    const blobs = parseManifest(await this.blobs.read(entry.manifest.digest), `manifest ${entry.manifest.digest}`).layers;
    await this.writing(async () => {
      for (const [i, diffId] of diffIds.entries()) {
        const blob = blobs[i];
        if (!blob) throw internal(`image ${id}: manifest lists fewer layers than its config`);
        const lowers = diffIds.slice(0, i).reverse().map((d) => this.layerStore.path(d));
        await this.layerStore.ensure(diffId, () => decompressed(this.blobs.open(blob.digest), `layer ${blob.digest}`), lowers);
      }
    });
  }

  async unmountRootfs(containerDir: string): Promise<void> {
    await unmountOverlay(containerDir);
  }

  async layerDirs(imageId: string): Promise<string[]> {
    const state = await this.state();
    const diffIds = await this.diffIds(state, resolveImage(state, imageId).id);
    return diffIds.map((d) => this.layerStore.path(d)).reverse();
  }

  /** Add images to the index and point tags at them (one atomic index update). */
  async register(images: NewImage[], tags: { key: string; id: string }[]): Promise<void> {
    await this.index.update((state) => {
      const now = new Date().toISOString();
      for (const image of images) {
        state.images[image.id] ??= { manifest: image.manifest, added: now };
        for (const layer of image.layers) {
          if (layer.size >= 0) state.layers[layer.diffId] = { size: layer.size };
        }
      }
      for (const tag of tags) state.refs[tag.key] = tag.id;
    });
  }

  /**
   * Run an import/load: new blobs and layers are not in the index until it registers
   * them, so garbage collection waits for writers to finish (and writers for it).
   */
  async writing<T>(fn: () => Promise<T>): Promise<T> {
    while (this.gcRunning) await this.gcRunning;
    this.activeWriters++;
    try {
      return await fn();
    } catch (err) {
      // A failed import/load may leave blobs or layers nobody references.
      this.gcPending = true;
      throw err;
    } finally {
      this.activeWriters--;
      if (this.activeWriters === 0 && this.gcPending) {
        this.gcPending = false;
        await this.gc();
      }
    }
  }

  /** Delete blobs and unpacked layers no image references (deferred while writers run). */
  async gc(): Promise<void> {
    while (this.gcRunning) await this.gcRunning;
    if (this.activeWriters > 0) {
      this.gcPending = true;
      return;
    }
    const run = this.index.exclusive(async () => {
      await collectGarbage(this, await this.index.read());
    });
    this.gcRunning = run.finally(() => {
      this.gcRunning = undefined;
    });
    await this.gcRunning;
  }

  private async diffIds(state: StoreState, id: string): Promise<string[]> {
    const record = await buildRecord(this.blobs, state, id);
    return record.layers;
  }
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
