import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

// Builders for test archives: layer tars from an inline entry list, and image archives
// in the docker save and OCI layout formats made from those layers.

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

export function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? (Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '')) : undefined;
    const header: tar.Header = {
        name: e.name,
        type,
        mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        mtime: e.mtime ?? new Date(1_600_000_000_000),
        ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
        ...(body ? { size: body.length } : {}),
      } as tar.Header;
    if (body) pack.entry(header, body);
    else pack.entry(header);
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (d: string): string => d.slice('sha256:'.length);

export function imageConfig(layers: Buffer[], cmd: string[] = ['sh']): Buffer {
  return Buffer.from(
    JSON.stringify({
      created: '2024-01-02T03:04:05Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: cmd, Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) },
      history: layers.map(() => ({ created: '2024-01-02T03:04:05Z', created_by: 'test' })),
    }),
  );
}

/** A `docker save` archive of one image. */
export function dockerArchive(layers: Buffer[], repoTags: string[] | null, config = imageConfig(layers)): Promise<Buffer> {
  const configName = `${hex(sha256(config))}.json`;
  const layerNames = layers.map((l) => `${hex(sha256(l))}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: repoTags, Layers: layerNames }];
  return tarOf([
    { name: configName, content: config },
    ...layers.flatMap((l, i): TarEntry[] => [{ name: `${hex(sha256(l))}/`, type: 'directory' }, { name: layerNames[i] ?? '', content: l }]),
    { name: 'manifest.json', content: JSON.stringify(manifest) },
  ]);
}

/** An OCI layout archive of one image with gzip layers, behind a nested index when asked. */
export async function ociArchive(layers: Buffer[], annotations: Record<string, string>, opts: { nested?: boolean } = {}): Promise<{ archive: Buffer; manifestDigest: string; configDigest: string }> {
  const config = imageConfig(layers);
  const gz = layers.map((l) => gzipSync(l));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: gz.map((g) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(g), size: g.length })),
    }),
  );
  const manifestDesc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length };
  const blobs: Buffer[] = [config, manifest, ...gz];
  let top: Record<string, unknown> = { ...manifestDesc, annotations };
  if (opts.nested) {
    const inner = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...manifestDesc, digest: sha256('other'), platform: { architecture: 'arm64', os: 'linux' } },
          { ...manifestDesc, platform: { architecture: 'amd64', os: 'linux' } },
        ],
      }),
    );
    blobs.push(inner);
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(inner), size: inner.length, annotations };
  }
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [top] };
  const archive = await tarOf([
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: JSON.stringify(index) },
    ...blobs.map((b) => ({ name: `blobs/sha256/${hex(sha256(b))}`, content: b })),
  ]);
  return { archive, manifestDigest: manifestDesc.digest, configDigest: sha256(config) };
}

export { gzipSync };
