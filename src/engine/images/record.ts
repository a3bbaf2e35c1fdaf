import type { ImageRecord } from '../types.js';
import type { BlobStore } from './blob-store.js';
import { parseConfig, type ImageConfigDoc } from './oci.js';
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
  record.history = historyOf(history, layers, state);
  if (config.author !== undefined) record.author = config.author;
  const comment = config.comment ?? history[history.length - 1]?.comment;
  if (comment !== undefined) record.comment = comment;
  return record;
}

/** History steps paired with the layers they made (empty_layer steps made none). */
function historyOf(history: ImageConfigDoc['history'], layers: string[], state: StoreState): NonNullable<ImageRecord['history']> {
  type Step = NonNullable<ImageConfigDoc['history']>[number];
  const steps: Step[] = history && history.length > 0 ? history : layers.map(() => ({}));
  let next = 0;
  return steps.map((h) => {
    const empty = h.empty_layer === true || next >= layers.length;
    const diffId = empty ? undefined : layers[next++];
    const step: NonNullable<ImageRecord['history']>[number] = { emptyLayer: empty, size: diffId ? (state.layers[diffId]?.size ?? 0) : 0 };
    if (h.created !== undefined) step.created = h.created;
    if (h.created_by !== undefined) step.createdBy = h.created_by;
    if (h.comment !== undefined) step.comment = h.comment;
    return step;
  });
}
