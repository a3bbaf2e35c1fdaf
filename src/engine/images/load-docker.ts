import { invalid } from '../../errors.js';
import type { StagedArchive } from './archive-reader.js';
import type { LoadPlan } from './load-archive.js';
import { MEDIA, parseConfig } from './oci.js';
import { normalizeTagged } from './reference.js';

// The `docker save` format: manifest.json lists each image's config file, its tags and
// its layer tars (bottom first); the config's rootfs.diff_ids name the layers' content.

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export async function planDockerArchive(staged: StagedArchive): Promise<LoadPlan[]> {
  let entries: unknown;
  try {
    entries = JSON.parse((await staged.readBytes('manifest.json')).toString('utf8'));
  } catch (err) {
    throw invalid('image archive: manifest.json is not valid JSON', err);
  }
  if (!Array.isArray(entries)) throw invalid('image archive: manifest.json must be a JSON array');
  const plans: LoadPlan[] = [];
  for (const [i, raw] of entries.entries()) {
    const entry = raw as Partial<DockerManifestEntry>;
    const what = `manifest.json entry ${i}`;
    const layers = entry.Layers;
    if (typeof entry.Config !== 'string' || !Array.isArray(layers) || !layers.every((l): l is string => typeof l === 'string')) {
      throw invalid(`image archive: ${what} needs Config and Layers`);
    }
    const doc = parseConfig(await staged.readBytes(entry.Config), `${what} config`);
    const diffIds = doc.rootfs.diff_ids;
    if (diffIds.length !== layers.length) {
      throw invalid(`image archive: ${what} has ${layers.length} layers but its config lists ${diffIds.length} diff IDs`);
    }
    const repoTags = Array.isArray(entry.RepoTags) ? entry.RepoTags : [];
    plans.push({
      manifest: undefined,
      config: staged.require(entry.Config),
      configMediaType: MEDIA.ociConfig,
      layers: layers.map((name, j) => ({ file: staged.require(name), diffId: diffIds[j] ?? '' })),
      tags: repoTags.map((t) => normalizeTagged(String(t))),
    });
  }
  return plans;
}
