import type { ImageStore } from './image-store.js';
import { parseConfig, parseManifest } from './oci.js';
import type { StoreState } from './store-index.js';

// Mark and sweep: every blob (manifest, config, layers) and unpacked layer reachable
// from an image in the index is kept; everything else is deleted. The caller holds the
// index mutex and no import/load is in flight (ImageStore.gc).

export async function collectGarbage(store: ImageStore, state: StoreState): Promise<{ blobs: string[]; layers: string[] }> {
  const keepBlobs = new Set<string>();
  const keepLayers = new Set<string>();
  for (const [id, entry] of Object.entries(state.images)) {
    keepBlobs.add(entry.manifest.digest);
    keepBlobs.add(id);
    const manifest = parseManifest(await store.blobs.read(entry.manifest.digest), `manifest ${entry.manifest.digest}`);
    for (const layer of manifest.layers) keepBlobs.add(layer.digest);
    const config = parseConfig(await store.blobs.read(id), `config ${id}`);
    for (const diffId of config.rootfs.diff_ids) keepLayers.add(diffId);
  }
  const deletedBlobs: string[] = [];
  for (const digest of await store.blobs.list()) {
    if (keepBlobs.has(digest)) continue;
    await store.blobs.delete(digest);
    deletedBlobs.push(digest);
  }
  const deletedLayers: string[] = [];
  for (const diffId of await store.layerStore.list()) {
    if (keepLayers.has(diffId)) continue;
    await store.layerStore.remove(diffId);
    deletedLayers.push(diffId);
  }
  const stale = Object.keys(state.layers).filter((d) => !keepLayers.has(d));
  if (stale.length > 0) {
    await store.index.updateUnlocked((s) => {
      for (const d of stale) delete s.layers[d];
    });
  }
  return { blobs: deletedBlobs, layers: deletedLayers };
}
