import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { internal, invalid } from '../../errors.js';
import type { BlobStore } from './blob-store.js';
import { decompressed } from './compression.js';
import { ociIndexOf } from './oci-index-file.js';
import { parseConfig, parseManifest } from './oci.js';
import { familiarName, familiarTagged, parseReference, repositoryName } from './reference.js';
import { resolveImage } from './resolve.js';
import type { StoreState } from './store-index.js';

// `docker save`: the docker format (manifest.json + <config>.json + <diffid>/layer.tar +
// repositories, which `docker load` reads; layers uncompressed so each layer.tar hashes
// to its diff ID) or an OCI image layout (blobs copied byte for byte, index.json with
// name annotations; a manifest.json is added, as Docker 25 does, for `docker load`).

const EPOCH = new Date(0);

interface Selected {
  id: string;
  tags: string[];
}

export async function saveArchive(blobs: BlobStore, state: StoreState, refs: string[], out: Writable, format: 'docker' | 'oci'): Promise<void> {
  if (refs.length === 0) throw invalid('save: name at least one image');
  const selected = new Map<string, Selected>();
  const select = (id: string, tag: string | undefined): void => {
    const s = selected.get(id) ?? { id, tags: [] };
    if (tag !== undefined && !s.tags.includes(tag)) s.tags.push(tag);
    selected.set(id, s);
  };
  for (const ref of refs) {
    // Docker: a repository named without a tag saves every tag of that repository.
    const repoTags = tagsOfRepository(state, ref);
    if (repoTags.length > 0) {
      for (const [key, id] of repoTags) select(id, key);
      continue;
    }
    const r = resolveImage(state, ref);
    select(r.id, r.tagged);
  }
  const pack = tar.pack();
  const writing = pipeline(pack as unknown as Readable, out);
  try {
    if (format === 'oci') await writeOci(pack, blobs, state, [...selected.values()]);
    else await writeDocker(pack, blobs, state, [...selected.values()]);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await writing.catch(() => undefined);
    throw err;
  }
  await writing;
}

async function writeDocker(pack: tar.Pack, blobs: BlobStore, state: StoreState, images: Selected[]): Promise<void> {
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const written = new Set<string>();
  for (const image of images) {
    const configBytes = await blobs.read(image.id);
    const config = parseConfig(configBytes, `config ${image.id}`);
    const configName = `${hex(image.id)}.json`;
    await addBuffer(pack, configName, configBytes);
    const entry = state.images[image.id];
    if (!entry) throw internal(`image ${image.id} vanished during save`);
    const layerBlobs = parseManifest(await blobs.read(entry.manifest.digest), `manifest ${entry.manifest.digest}`).layers;
    const layerNames: string[] = [];
    for (const [i, diffId] of config.rootfs.diff_ids.entries()) {
      const dir = hex(diffId);
      layerNames.push(`${dir}/layer.tar`);
      if (written.has(diffId)) continue;
      written.add(diffId);
      const size = state.layers[diffId]?.size;
      const blob = layerBlobs[i];
      if (size === undefined || !blob) throw internal(`layer ${diffId}: size or blob unknown`);
      await addBuffer(pack, `${dir}/VERSION`, Buffer.from('1.0'));
      await addStream(pack, `${dir}/layer.tar`, size, await decompressed(blobs.open(blob.digest), `layer ${blob.digest}`));
    }
    manifest.push({ Config: configName, RepoTags: image.tags.length > 0 ? image.tags.map(familiarTagged) : null, Layers: layerNames });
    const top = layerNames[layerNames.length - 1]?.split('/')[0];
    for (const t of image.tags) {
      const ref = parseReference(t);
      const repo = familiarName(repositoryName(ref));
      if (top !== undefined && ref.tag !== undefined) repositories[repo] = { ...repositories[repo], [ref.tag]: top };
    }
  }
  await addBuffer(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest)));
  if (Object.keys(repositories).length > 0) await addBuffer(pack, 'repositories', Buffer.from(JSON.stringify(repositories)));
}

async function writeOci(pack: tar.Pack, blobs: BlobStore, state: StoreState, images: Selected[]): Promise<void> {
  await addBuffer(pack, 'oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  const written = new Set<string>();
  const dockerManifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const addBlob = async (digest: string): Promise<string> => {
    const name = `blobs/sha256/${hex(digest)}`;
    if (!written.has(digest)) {
      written.add(digest);
      await addStream(pack, name, await blobs.size(digest), blobs.open(digest));
    }
    return name;
  };
  for (const image of images) {
    const entry = state.images[image.id];
    if (!entry) throw internal(`image ${image.id} vanished during save`);
    const manifest = parseManifest(await blobs.read(entry.manifest.digest), `manifest ${entry.manifest.digest}`);
    const layers: string[] = [];
    for (const layer of manifest.layers) layers.push(await addBlob(layer.digest));
    const config = await addBlob(manifest.config.digest);
    await addBlob(entry.manifest.digest);
    dockerManifest.push({ Config: config, RepoTags: image.tags.length > 0 ? image.tags.map(familiarTagged) : null, Layers: layers });
  }
  const tags = new Map(images.map((i) => [i.id, i.tags]));
  const index = ociIndexOf(state, new Set(tags.keys()), tags);
  await addBuffer(pack, 'index.json', Buffer.from(JSON.stringify(index)));
  await addBuffer(pack, 'manifest.json', Buffer.from(JSON.stringify(dockerManifest)));
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime: EPOCH, type: 'file' }, data, (err) => (err ? reject(err) : resolve()));
  });
}

async function addStream(pack: tar.Pack, name: string, size: number, src: Readable): Promise<void> {
  let sink!: NodeJS.WritableStream;
  // The executor runs synchronously, so `sink` is set before it is used below.
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry({ name, size, mode: 0o644, mtime: EPOCH, type: 'file' }, (err) => (err ? reject(err) : resolve())) as unknown as NodeJS.WritableStream;
  });
  await Promise.all([pipeline(src, sink), done]);
}

function tagsOfRepository(state: StoreState, input: string): [string, string][] {
  let ref;
  try {
    ref = parseReference(input);
  } catch {
    return [];
  }
  if (ref.tag !== undefined || ref.digest !== undefined) return [];
  const prefix = `${repositoryName(ref)}:`;
  return Object.entries(state.refs).filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'));
}

const hex = (digest: string): string => digest.replace(/^sha256:/, '');
