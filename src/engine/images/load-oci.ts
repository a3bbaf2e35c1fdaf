import { invalid } from '../../errors.js';
import type { StagedArchive, StagedFile } from './archive-reader.js';
import type { LoadPlan } from './load-archive.js';
import { ANNOTATION_CONTAINERD_NAME, ANNOTATION_REF_NAME, hostArchitecture, isIndexMediaType, MEDIA, parseConfig, parseIndex, parseManifest } from './oci.js';
import { normalizeTagged } from './reference.js';
import type { Descriptor } from './store-index.js';

// The OCI image layout: index.json points at manifests (or nested indexes, e.g. a
// multi-platform image, from which the host's platform is chosen); names come from the
// `io.containerd.image.name` annotation (a full reference) or, failing that,
// `org.opencontainers.image.ref.name` when it holds a full reference rather than a bare tag.

const MAX_DEPTH = 4;

export async function planOciArchive(staged: StagedArchive): Promise<LoadPlan[]> {
  const layout = JSON.parse((await staged.readBytes('oci-layout')).toString('utf8')) as { imageLayoutVersion?: unknown };
  if (typeof layout.imageLayoutVersion !== 'string') throw invalid('image archive: oci-layout has no imageLayoutVersion');
  const index = parseIndex(await staged.readBytes('index.json'), 'index.json');
  const plans = new Map<string, LoadPlan>();
  for (const descriptor of index.manifests) {
    const tag = nameOf(descriptor);
    const plan = await planDescriptor(staged, descriptor, 0);
    if (!plan) continue;
    const known = plans.get(plan.config.digest);
    if (known) {
      if (tag && !known.tags.includes(tag)) known.tags.push(tag);
    } else {
      if (tag) plan.tags.push(tag);
      plans.set(plan.config.digest, plan);
    }
  }
  return [...plans.values()];
}

function nameOf(d: Descriptor): string | undefined {
  const full = d.annotations?.[ANNOTATION_CONTAINERD_NAME];
  if (full) return normalizeTagged(full);
  const ref = d.annotations?.[ANNOTATION_REF_NAME];
  // A bare tag ("latest") names no repository: the image loads untagged, as Docker does.
  if (ref && (ref.includes(':') || ref.includes('/'))) return normalizeTagged(ref);
  return undefined;
}

async function planDescriptor(staged: StagedArchive, d: Descriptor, depth: number): Promise<LoadPlan | undefined> {
  if (depth > MAX_DEPTH) throw invalid('image archive: image indexes nested too deeply');
  const file = blob(staged, d);
  const bytes = await staged.readBytes(blobPath(d.digest));
  if (isIndexMediaType(d.mediaType)) {
    const nested = parseIndex(bytes, `index ${d.digest}`);
    const chosen = choosePlatform(nested.manifests);
    if (!chosen) throw invalid(`image archive: index ${d.digest} has no manifest for linux/${hostArchitecture()}`);
    return planDescriptor(staged, chosen, depth + 1);
  }
  if (d.mediaType !== undefined && d.mediaType !== MEDIA.ociManifest && d.mediaType !== MEDIA.dockerManifest) {
    return undefined; // an artifact or signature, not an image
  }
  const manifest = parseManifest(bytes, `manifest ${d.digest}`);
  const configType = manifest.config.mediaType;
  if (configType !== undefined && configType !== MEDIA.ociConfig && configType !== MEDIA.dockerConfig) return undefined;
  const config = blob(staged, manifest.config);
  const doc = parseConfig(await staged.readBytes(blobPath(manifest.config.digest)), `config ${manifest.config.digest}`);
  if (doc.rootfs.diff_ids.length !== manifest.layers.length) {
    throw invalid(`image archive: manifest ${d.digest} has ${manifest.layers.length} layers but its config lists ${doc.rootfs.diff_ids.length} diff IDs`);
  }
  return {
    manifest: { file, descriptor: { ...d, mediaType: manifest.mediaType ?? d.mediaType ?? MEDIA.ociManifest } },
    config,
    configMediaType: configType ?? MEDIA.ociConfig,
    layers: manifest.layers.map((l, i) => ({ file: blob(staged, l), diffId: doc.rootfs.diff_ids[i] ?? '', mediaType: l.mediaType })),
    tags: [],
  };
}

function choosePlatform(manifests: Descriptor[]): Descriptor | undefined {
  const arch = hostArchitecture();
  return manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? (manifests.length === 1 && !manifests[0]?.platform ? manifests[0] : undefined);
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

/** The staged blob for a descriptor, verified against its digest and size. */
function blob(staged: StagedArchive, d: Descriptor): StagedFile {
  const file = staged.get(blobPath(d.digest));
  if (!file) throw invalid(`image archive: blob ${d.digest} is missing`);
  if (file.digest !== d.digest) throw invalid(`image archive: blob ${d.digest} does not match its digest (content is ${file.digest})`);
  if (file.size !== d.size) throw invalid(`image archive: blob ${d.digest} has size ${file.size}, descriptor says ${d.size}`);
  return file;
}
