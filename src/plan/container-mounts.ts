import type { Project, ServiceConfig, ServiceFileReference } from '../compose/model.js';
import { BerthError } from '../errors.js';
import type { MountSpec } from '../client/api/wire.js';
import { volumeName } from './naming.js';
import { toBytes } from './units.js';

// Storage of one container: bind mounts and named volumes (Binds, which every engine
// speaks and which create a missing host path as Compose's short syntax does), explicit
// mounts (tmpfs, bind without create_host_path), anonymous volumes, tmpfs, and
// file-based secrets and configs bound read-only.

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
  for (const ref of service.secrets ?? []) out.binds.push(fileBind(project, serviceName, 'secrets', ref));
  for (const ref of service.configs ?? []) out.binds.push(fileBind(project, serviceName, 'configs', ref));
  return out;
}

function fileBind(project: Project, serviceName: string, kind: 'secrets' | 'configs', ref: ServiceFileReference): string {
  const def = project[kind]?.[ref.source];
  const what = kind === 'secrets' ? 'secret' : 'config';
  if (!def) throw new BerthError('invalid', `service ${serviceName} refers to undefined ${what} ${ref.source}`);
  if (!def.file) {
    throw new BerthError('invalid', `${what} ${ref.source}: only file-based ${kind} are supported (set "file:")`);
  }
  let target: string;
  if (kind === 'secrets') target = ref.target?.startsWith('/') ? ref.target : `/run/secrets/${ref.target ?? ref.source}`;
  else target = ref.target ?? `/${ref.source}`;
  return `${def.file}:${target}:ro`;
}

function invalidVolume(service: string, target: string, why: string): BerthError {
  return new BerthError('invalid', `service ${service}: volume ${target}: ${why}`);
}
