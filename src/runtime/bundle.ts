// An OCI bundle directory: config.json (+ the rootfs it points at, which the engine owns).
// config.json is written atomically so a runtime never reads half a file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { conflict } from '../errors.js';
import { mountsBelow } from './mountinfo.js';
import type { OciSpec } from './oci-spec.js';

export const CONFIG_FILE = 'config.json';

/**
 * Writes config.json (atomically). Sync calls: a few KB and a small dir, where async ones
 * waited ~200 ms each for the thread pool with 30 containers starting at once.
 */
export function writeBundleSync(bundleDir: string, spec: OciSpec): string {
  mkdirSync(bundleDir, { recursive: true, mode: 0o711 });
  const target = path.join(bundleDir, CONFIG_FILE);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}

export function writeBundle(bundleDir: string, spec: OciSpec): Promise<string> {
  return Promise.resolve().then(() => writeBundleSync(bundleDir, spec));
}

/**
 * Removes the bundle dir. Refuses while anything is still mounted below it: a recursive
 * delete would otherwise walk into a mounted rootfs (or a bind of the host) and empty it.
 */
export async function removeBundle(bundleDir: string): Promise<void> {
  const dir = path.resolve(bundleDir);
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const busy = mountsBelow(mountinfo, dir);
  if (busy.length > 0) throw conflict(`bundle ${dir}: still mounted: ${busy.join(', ')}`);
  await rm(dir, { recursive: true, force: true });
}
