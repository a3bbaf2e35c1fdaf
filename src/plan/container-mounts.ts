import type { FileObjectConfig, Project, ServiceConfig, ServiceFileReference } from '../compose/model.js';
import { BerthError } from '../errors.js';
import type { MountSpec } from '../client/api/wire.js';
import { volumeName } from './naming.js';
import { toBytes } from './units.js';

// Storage of one container: bind mounts and named volumes (Binds, which every engine
// speaks and which create a missing host path as Compose's short syntax does), explicit
// mounts (tmpfs, bind without create_host_path), anonymous volumes, tmpfs, and
// file-based secrets and configs bound read-only. Secrets and configs given by
// `environment:` or `content:` are files copied in after create (inlineFilesOf), as
// Docker Compose does.

export interface StorageConfig {
  binds: string[];
  mounts: MountSpec[];
  anonymous: string[];
  tmpfs: Record<string, string>;
}

/** `reuse`: target → engine volume name of an anonymous volume the previous container had. */
export function storageOf(project: Project, serviceName: string, service: ServiceConfig, reuse: Record<string, string> = {}): StorageConfig {
  const out: StorageConfig = { binds: [], mounts: [], anonymous: [], tmpfs: {} };
  for (const vol of service.volumes ?? []) {
    const ro = vol.read_only ? ':ro' : '';
    if (vol.type === 'bind') {
      if (!vol.source) throw invalidVolume(serviceName, vol.target, 'a bind mount needs a source');
      if (vol.bind?.create_host_path === false) {
        out.mounts.push({ Type: 'bind', Source: vol.source, Target: vol.target, ReadOnly: vol.read_only === true, ...(vol.bind.propagation ? { BindOptions: { Propagation: vol.bind.propagation } } : {}) });
      } else {
        out.binds.push(`${vol.source}:${vol.target}${ro}`);
      }
    } else if (vol.type === 'volume') {
      const kept = vol.source ? undefined : reuse[vol.target];
      if (kept) out.binds.push(`${kept}:${vol.target}${ro}`);
      else if (!vol.source) out.anonymous.push(vol.target);
      else {
        const name = project.volumes?.[vol.source] ? volumeName(project, vol.source) : vol.source;
        const nocopy = vol.volume?.nocopy ? (ro ? ',nocopy' : ':nocopy') : '';
        out.binds.push(`${name}:${vol.target}${ro}${nocopy}`);
      }
    } else if (vol.type === 'tmpfs') {
      const size = vol.tmpfs?.size === undefined ? undefined : toBytes(vol.tmpfs.size);
      out.mounts.push({ Type: 'tmpfs', Target: vol.target, ...(size !== undefined || vol.tmpfs?.mode !== undefined ? { TmpfsOptions: { ...(size !== undefined ? { SizeBytes: size } : {}), ...(vol.tmpfs?.mode !== undefined ? { Mode: vol.tmpfs.mode } : {}) } } : {}) });
    } else {
      throw invalidVolume(serviceName, vol.target, `volume type ${vol.type} is not supported`);
    }
  }
  for (const entry of service.tmpfs ?? []) {
    const colon = entry.indexOf(':');
    if (colon < 0) out.tmpfs[entry] = '';
    else out.tmpfs[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const ref of service[kind] ?? []) {
      const def = fileObject(project, serviceName, kind, ref);
      if (def.file) out.binds.push(`${def.file}:${fileTarget(kind, ref)}:ro`);
    }
  }
  return out;
}

/** A file to write into a container after create (a secret or config given inline). */
export interface InlineFile {
  /** Absolute path in the container. */
  path: string;
  content: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * The service's secrets and configs given by `environment:` (a variable of the project's
 * environment) or `content:`, with Compose's defaults: mode 0444, owner 0:0.
 */
export function inlineFilesOf(project: Project, serviceName: string, service: ServiceConfig, env: Record<string, string | undefined>): InlineFile[] {
  const out: InlineFile[] = [];
  for (const kind of ['secrets', 'configs'] as const) {
    for (const ref of service[kind] ?? []) {
      const def = fileObject(project, serviceName, kind, ref);
      if (def.file) continue;
      let content = def.content;
      if (content === undefined && def.environment !== undefined) {
        content = env[def.environment];
        if (content === undefined) throw new BerthError('invalid', `environment variable ${def.environment} required by ${kind === 'secrets' ? 'secret' : 'config'} ${ref.source} is not set`);
      }
      if (content === undefined) continue;
      out.push({ path: fileTarget(kind, ref), content, mode: ref.mode ?? 0o444, uid: idOf(ref.uid, serviceName, ref.source, 'uid'), gid: idOf(ref.gid, serviceName, ref.source, 'gid') });
    }
  }
  return out;
}

/** The definition a reference names (the loader already refused one with no source). */
function fileObject(project: Project, serviceName: string, kind: 'secrets' | 'configs', ref: ServiceFileReference): FileObjectConfig {
  const def = project[kind]?.[ref.source];
  const what = kind === 'secrets' ? 'secret' : 'config';
  if (!def) throw new BerthError('invalid', `service ${serviceName} refers to undefined ${what} ${ref.source}`);
  // Outside a swarm an external secret or config has nowhere to come from (Compose refuses it too).
  if (def.external) throw new BerthError('invalid', `service ${serviceName}: external ${what} ${ref.source} is not supported without a swarm`);
  return def;
}

/** Where Compose puts it: secrets under /run/secrets unless absolute, configs at /<name> by default. */
function fileTarget(kind: 'secrets' | 'configs', ref: ServiceFileReference): string {
  if (kind === 'secrets') return ref.target?.startsWith('/') ? ref.target : `/run/secrets/${ref.target ?? ref.source}`;
  return ref.target ?? `/${ref.source}`;
}

function idOf(value: string | undefined, service: string, source: string, what: string): number {
  if (value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new BerthError('invalid', `service ${service}: ${source}: ${what} "${value}" is not a number`);
  return n;
}

function invalidVolume(service: string, target: string, why: string): BerthError {
  return new BerthError('invalid', `service ${service}: volume ${target}: ${why}`);
}
