import path from 'node:path';
import { ANNOTATION_CONTAINERD_NAME, ANNOTATION_REF_NAME, MEDIA, type IndexDoc } from './oci.js';
import { parseReference } from './reference.js';
import type { Descriptor, StoreState } from './store-index.js';
import { writeAtomic } from './store-index.js';

// The store is itself an OCI image layout: index.json lists every image manifest, once
// per tag (annotated with its name as containerd and `docker save` do) and once bare for
// images without tags, so OCI tools can read the store directly.

export function ociIndexOf(state: StoreState, only?: ReadonlySet<string>, tagsByImage?: Map<string, string[]>): IndexDoc {
  const manifests: Descriptor[] = [];
  const tags = tagsByImage ?? groupTags(state);
  for (const [id, entry] of Object.entries(state.images)) {
    if (only && !only.has(id)) continue;
    const names = tags.get(id) ?? [];
    const base: Descriptor = { mediaType: entry.manifest.mediaType, digest: entry.manifest.digest, size: entry.manifest.size };
    if (names.length === 0) manifests.push(base);
    for (const name of names) {
      manifests.push({ ...base, annotations: { [ANNOTATION_CONTAINERD_NAME]: name, [ANNOTATION_REF_NAME]: parseReference(name).tag ?? 'latest' } });
    }
  }
  return { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests };
}

function groupTags(state: StoreState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, id] of Object.entries(state.refs).sort(([a], [b]) => a.localeCompare(b))) out.set(id, [...(out.get(id) ?? []), key]);
  return out;
}

export async function writeOciIndex(root: string, state: StoreState): Promise<void> {
  await writeAtomic(path.join(root, 'index.json'), `${JSON.stringify(ociIndexOf(state))}\n`);
}
