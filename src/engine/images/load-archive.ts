import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { invalid } from '../../errors.js';
import { decompressed, detectCompression, type Compression } from './compression.js';
import type { ImageStore } from './image-store.js';
import { stageArchive, type StagedArchive, type StagedFile } from './archive-reader.js';
import { planDockerArchive } from './load-docker.js';
import { planOciArchive } from './load-oci.js';
import { MEDIA } from './oci.js';
import type { Descriptor } from './store-index.js';

// `docker load`: a docker save tarball (manifest.json) or an OCI image layout archive
// (oci-layout + index.json), optionally gzip-compressed. The archive is staged, each
// image's blobs are verified against their digests and moved into the store, its layers
// unpacked (verified against the config's diff IDs) and the image registered with its
// tags in one index update.

/** One image found in an archive, ready to be committed. */
export interface LoadPlan {
  /** Manifest bytes as found (OCI) or undefined to write one (docker save). */
  manifest: { file: StagedFile; descriptor: Descriptor } | undefined;
  config: StagedFile;
  configMediaType: string;
  layers: { file: StagedFile; diffId: string; mediaType?: string }[];
  /** Stored "name:tag" keys. */
  tags: string[];
}

/** The images loaded, each with the stored "name:tag" keys the archive gave it. */
export async function loadArchive(store: ImageStore, src: Readable): Promise<{ id: string; tags: string[] }[]> {
  return store.writing(async () => {
    const staged = await stageArchive(src, path.join(store.root, 'tmp', `load-${randomBytes(6).toString('hex')}`));
    try {
      let plans: LoadPlan[];
      if (staged.has('oci-layout') && staged.has('index.json')) plans = await planOciArchive(staged);
      else if (staged.has('manifest.json')) plans = await planDockerArchive(staged);
      else throw invalid('not an image archive: neither manifest.json (docker save) nor oci-layout + index.json (OCI layout) found');
      if (plans.length === 0) throw invalid('the image archive holds no image');
      const loaded: { id: string; tags: string[] }[] = [];
      for (const plan of plans) {
        const id = await commit(store, staged, plan);
        const known = loaded.find((l) => l.id === id);
        if (known) known.tags.push(...plan.tags.filter((t) => !known.tags.includes(t)));
        else loaded.push({ id, tags: [...plan.tags] });
      }
      return loaded;
    } finally {
      await staged.cleanup();
    }
  });
}

async function commit(store: ImageStore, _staged: StagedArchive, plan: LoadPlan): Promise<string> {
  const layers: { diffId: string; size: number }[] = [];
  const descriptors: Descriptor[] = [];
  const lowers: string[] = [];
  for (const layer of plan.layers) {
    const compression = await fileCompression(layer.file);
    if (compression !== 'gzip' && compression !== 'none') throw invalid(`layer ${layer.file.digest}: ${compression}-compressed layers are not supported (gzip or uncompressed only)`);
    await adopt(store, layer.file);
    const blob = layer.file.digest;
    const result = await store.layerStore.ensure(layer.diffId, () => decompressed(store.blobs.open(blob), `layer ${blob}`), lowers);
    layers.push({ diffId: layer.diffId, size: result.unpacked ? result.size : -1 });
    lowers.unshift(store.layerStore.path(layer.diffId));
    descriptors.push({ mediaType: layer.mediaType ?? (compression === 'gzip' ? MEDIA.ociLayerGzip : MEDIA.ociLayer), digest: blob, size: layer.file.size });
  }
  await adopt(store, plan.config);
  const id = plan.config.digest;
  let manifest: Descriptor;
  if (plan.manifest) {
    await adopt(store, plan.manifest.file);
    manifest = { mediaType: plan.manifest.descriptor.mediaType || MEDIA.ociManifest, digest: plan.manifest.file.digest, size: plan.manifest.file.size };
  } else {
    const doc = { schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { mediaType: MEDIA.ociConfig, digest: id, size: plan.config.size }, layers: descriptors };
    manifest = { mediaType: MEDIA.ociManifest, ...(await store.blobs.writeBytes(JSON.stringify(doc))) };
  }
  await fillLayerSizes(store, layers, descriptors.map((d) => d.digest));
  await store.register([{ id, manifest, layers }], plan.tags.map((key) => ({ key, id })));
  return id;
}

/**
 * Layers unpacked by this load were measured; already unpacked ones keep the size the
 * index has, or are measured from their blob when the index does not know it.
 */
async function fillLayerSizes(store: ImageStore, layers: { diffId: string; size: number }[], blobs: string[]): Promise<void> {
  const state = await store.index.read();
  for (const [i, layer] of layers.entries()) {
    if (layer.size >= 0) continue;
    const known = state.layers[layer.diffId]?.size;
    layer.size = known ?? (await uncompressedSize(store, blobs[i] ?? ''));
  }
}

async function uncompressedSize(store: ImageStore, blob: string): Promise<number> {
  let size = 0;
  for await (const chunk of await decompressed(store.blobs.open(blob), `layer ${blob}`)) size += (chunk as Buffer).length;
  return size;
}

/** Move a verified staged file into the blob store (once; later users find it there). */
async function adopt(store: ImageStore, file: StagedFile): Promise<void> {
  const target = store.blobs.path(file.digest);
  if (file.file === target) return;
  if (!(await store.blobs.has(file.digest))) await rename(file.file, target);
  file.file = target;
}

async function fileCompression(file: StagedFile): Promise<Compression> {
  const fh = await open(file.file, 'r');
  try {
    const head = Buffer.alloc(8);
    await fh.read(head, 0, head.length, 0);
    return detectCompression(head);
  } finally {
    await fh.close();
  }
}
