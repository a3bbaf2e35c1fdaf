import type { Readable } from 'node:stream';
import { applyChanges } from './changes.js';
import { decompressed } from './compression.js';
import type { ImageStore } from './image-store.js';
import { hostArchitecture, MEDIA, type ImageConfigDoc, type ManifestDoc } from './oci.js';
import { normalizeTagged } from './reference.js';

// `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image.
// The layer is kept uncompressed, so its blob digest is its diff ID.

export interface ImportOptions {
  ref?: string;
  changes?: string[];
  message?: string;
}

export async function importRootfs(store: ImageStore, tar: Readable, opts: ImportOptions): Promise<{ id: string }> {
  // Validate what the user typed before reading a possibly large body.
  const key = opts.ref ? normalizeTagged(opts.ref) : undefined;
  const runConfig = applyChanges({}, opts.changes ?? []);
  return store.writing(async () => {
    const plain = await decompressed(tar, 'import');
    const layer = await store.blobs.writeStream(plain);
    await store.layerStore.ensure(layer.digest, () => Promise.resolve(store.blobs.open(layer.digest)), []);
    const created = new Date().toISOString();
    const config: ImageConfigDoc = {
      created,
      architecture: hostArchitecture(),
      os: 'linux',
      config: runConfig,
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created, comment: opts.message || 'Imported from -' }],
    };
    const configBlob = await store.blobs.writeBytes(JSON.stringify(config));
    const manifest: ManifestDoc = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, ...configBlob },
      layers: [{ mediaType: MEDIA.ociLayer, ...layer }],
    };
    const manifestBlob = await store.blobs.writeBytes(JSON.stringify(manifest));
    const id = configBlob.digest;
    await store.register(
      [{ id, manifest: { mediaType: MEDIA.ociManifest, ...manifestBlob }, layers: [{ diffId: layer.digest, size: layer.size }] }],
      key ? [{ key, id }] : [],
    );
    return { id };
  });
}
