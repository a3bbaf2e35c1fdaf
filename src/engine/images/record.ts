import type { ImageRecord } from '../types.js';
import type { BlobStore } from './blob-store.js';
import { parseConfig } from './oci.js';
import { familiarName, familiarTagged, parseReference, repositoryName } from './reference.js';
import { tagsOf } from './resolve.js';
import type { StoreState } from './store-index.js';

// An image as the engine reports it, assembled from its config blob and the index.
export async function buildRecord(blobs: BlobStore, state: StoreState, id: string): Promise<ImageRecord> {
  const config = parseConfig(await blobs.read(id), `image config ${id}`);
  const entry = state.images[id];
  const tags = tagsOf(state, id);
  const repos = [...new Set(tags.map((t) => repositoryName(parseReference(t))))];
  const layers = config.rootfs.diff_ids;
  const history = config.history ?? [];
  const record: ImageRecord = {
    id,
    repoTags: tags.map(familiarTagged),
    repoDigests: entry ? repos.map((r) => `${familiarName(r)}@${entry.manifest.digest}`) : [],
    created: config.created ?? entry?.added ?? new Date(0).toISOString(),
    size: layers.reduce((sum, d) => sum + (state.layers[d]?.size ?? 0), 0),
    architecture: config.architecture,
    os: config.os,
    config: config.config ?? {},
    layers,
  };
  if (config.author !== undefined) record.author = config.author;
  const comment = config.comment ?? history[history.length - 1]?.comment;
  if (comment !== undefined) record.comment = comment;
  return record;
}
