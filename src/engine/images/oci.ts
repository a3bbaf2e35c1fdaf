import { invalid } from '../../errors.js';
import type { ImageRunConfig } from '../types.js';
import { isSha256Digest } from './reference.js';
import type { Descriptor } from './store-index.js';

// The OCI image spec documents berth reads and writes (and their Docker schema 2
// equivalents), validated at the boundary: archives are untrusted input.

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';

export const isIndexMediaType = (t: string | undefined): boolean => t === MEDIA.ociIndex || t === MEDIA.dockerManifestList;
export const isManifestMediaType = (t: string | undefined): boolean => t === MEDIA.ociManifest || t === MEDIA.dockerManifest;

export interface ImageConfigDoc {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRunConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }[];
  /** Docker-only fields kept for inspect. */
  container_config?: ImageRunConfig;
  comment?: string;
}

export interface ManifestDoc {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface IndexDoc {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(`${what}: not valid JSON`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

export function checkDescriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (typeof d !== 'object' || d === null) throw invalid(`${what}: descriptor expected`);
  if (typeof d.digest !== 'string' || !isSha256Digest(d.digest)) throw invalid(`${what}: bad or unsupported digest ${JSON.stringify(d.digest)}`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`${what}: bad size`);
  if (d.mediaType !== undefined && typeof d.mediaType !== 'string') throw invalid(`${what}: bad mediaType`);
  return d as Descriptor;
}

export function parseManifest(bytes: Buffer, what: string): ManifestDoc {
  const doc = parseJson(bytes, what);
  if (doc.schemaVersion !== 2) throw invalid(`${what}: unsupported schemaVersion ${String(doc.schemaVersion)}`);
  if (doc.mediaType !== undefined && !isManifestMediaType(doc.mediaType as string)) throw invalid(`${what}: not an image manifest (${String(doc.mediaType)})`);
  if (!Array.isArray(doc.layers)) throw invalid(`${what}: layers missing`);
  return {
    ...(doc as unknown as ManifestDoc),
    config: checkDescriptor(doc.config, `${what} config`),
    layers: doc.layers.map((l, i) => checkDescriptor(l, `${what} layer ${i}`)),
  };
}

export function parseIndex(bytes: Buffer, what: string): IndexDoc {
  const doc = parseJson(bytes, what);
  if (doc.schemaVersion !== 2) throw invalid(`${what}: unsupported schemaVersion ${String(doc.schemaVersion)}`);
  if (!Array.isArray(doc.manifests)) throw invalid(`${what}: manifests missing`);
  return { ...(doc as unknown as IndexDoc), manifests: doc.manifests.map((m, i) => checkDescriptor(m, `${what} manifest ${i}`)) };
}

export function parseConfig(bytes: Buffer, what: string): ImageConfigDoc {
  const doc = parseJson(bytes, what);
  const rootfs = doc.rootfs as { type?: unknown; diff_ids?: unknown } | undefined;
  if (!rootfs || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) throw invalid(`${what}: rootfs.diff_ids missing`);
  for (const id of rootfs.diff_ids) if (typeof id !== 'string' || !isSha256Digest(id)) throw invalid(`${what}: bad diff ID ${JSON.stringify(id)}`);
  if (typeof doc.architecture !== 'string' || typeof doc.os !== 'string') throw invalid(`${what}: architecture and os are required`);
  return doc as unknown as ImageConfigDoc;
}

export type LayerCompression = 'gzip' | 'none' | 'zstd';

export function layerCompression(mediaType: string | undefined): LayerCompression {
  switch (mediaType) {
    case MEDIA.ociLayer:
    case MEDIA.dockerLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
      return 'none';
    case MEDIA.ociLayerGzip:
    case MEDIA.dockerLayerGzip:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
    case 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip':
      return 'gzip';
    case MEDIA.ociLayerZstd:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd';
    default:
      throw invalid(`unsupported layer media type ${JSON.stringify(mediaType)}`);
  }
}

/** Docker's platform name for the machine berth runs on. */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}
