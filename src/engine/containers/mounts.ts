import { existsSync } from 'node:fs';
import path from 'node:path';
import { invalid } from '../../errors.js';
import type { MountDefinition } from '../../runtime/types.js';
import type { LocalVolumes } from '../volumes/local-volumes.js';
import type { ContainerConfig, HostConfig, ResolvedMount } from './model.js';

// Binds, Mounts, Tmpfs, VolumesFrom and the image's VOLUMEs → the container's mount list,
// resolved once at create time (named volumes created, anonymous ones made) as Docker
// does; at start each becomes an OCI mount.

export interface MountContext {
  volumes: LocalVolumes;
  /** Mounts of another container, for VolumesFrom. */
  mountsOf(idOrName: string): ResolvedMount[];
}

export async function resolveMounts(config: ContainerConfig, host: HostConfig, ctx: MountContext): Promise<ResolvedMount[]> {
  const byDest = new Map<string, ResolvedMount>();
  const add = (m: ResolvedMount): void => {
    if (byDest.has(m.Destination)) throw invalid(`Duplicate mount point: ${m.Destination}`);
    byDest.set(m.Destination, m);
  };
  for (const from of host.VolumesFrom ?? []) {
    const [ref = '', mode] = from.split(':');
    for (const m of ctx.mountsOf(ref)) {
      if (m.Type === 'tmpfs') continue;
      const rw = mode === 'ro' ? false : mode === 'rw' ? true : m.RW;
      byDest.set(m.Destination, { ...m, RW: rw, Mode: rw ? '' : 'ro', Anonymous: false });
    }
  }
  for (const bind of host.Binds ?? []) add(await parseBind(bind, ctx));
  for (const spec of host.Mounts) {
    const dest = path.posix.normalize(spec.Target);
    const rw = !spec.ReadOnly;
    if (spec.Type === 'bind') {
      const source = spec.Source ?? '';
      if (!existsSync(source)) {
        if (!spec.BindOptions?.CreateMountpoint) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
      }
      add({ Type: 'bind', Source: source, Destination: dest, Mode: '', RW: rw, Propagation: spec.BindOptions?.Propagation || 'rprivate' });
    } else if (spec.Type === 'volume') {
      const anonymous = !spec.Source;
      const vol = await ctx.volumes.create({ ...(spec.Source ? { Name: spec.Source } : {}), Labels: spec.VolumeOptions?.Labels ?? {} }, anonymous);
      add({ Type: 'volume', Name: vol.Name, Source: vol.Mountpoint, Destination: dest, Driver: 'local', Mode: 'z', RW: rw, Propagation: '', NoCopy: spec.VolumeOptions?.NoCopy ?? false, Anonymous: anonymous });
    } else {
      const opts: string[] = [];
      if (spec.TmpfsOptions?.SizeBytes) opts.push(`size=${spec.TmpfsOptions.SizeBytes}`);
      if (spec.TmpfsOptions?.Mode) opts.push(`mode=${spec.TmpfsOptions.Mode.toString(8)}`);
      add({ Type: 'tmpfs', Source: '', Destination: dest, Mode: '', RW: rw, Propagation: '', TmpfsOptions: opts });
    }
  }
  for (const [dest, options] of Object.entries(host.Tmpfs)) {
    if (!dest.startsWith('/')) throw invalid(`invalid tmpfs mount point: ${dest}: must be an absolute path`);
    const opts = options.split(',').filter(Boolean);
    const ro = opts.includes('ro');
    add({ Type: 'tmpfs', Source: '', Destination: path.posix.normalize(dest), Mode: '', RW: !ro, Propagation: '', TmpfsOptions: opts.filter((o) => o !== 'ro' && o !== 'rw') });
  }
  for (const dest of Object.keys(config.Volumes ?? {})) {
    const d = path.posix.normalize(dest);
    if (byDest.has(d)) continue;
    const vol = await ctx.volumes.create({}, true);
    byDest.set(d, { Type: 'volume', Name: vol.Name, Source: vol.Mountpoint, Destination: d, Driver: 'local', Mode: '', RW: true, Propagation: '', Anonymous: true });
  }
  return [...byDest.values()];
}

/** "src:dst[:opts]" where src is a host path (bind) or a volume name. */
async function parseBind(bind: string, ctx: MountContext): Promise<ResolvedMount> {
  const parts = bind.split(':');
  if (parts.length < 2 || parts.length > 3) throw invalid(`invalid volume specification: '${bind}'`);
  const [source = '', target = '', modeStr = ''] = parts;
  if (!target.startsWith('/')) throw invalid(`invalid volume specification: '${bind}': invalid mount config: the mount destination must be an absolute path`);
  const modes = modeStr.split(',').filter(Boolean);
  for (const m of modes) if (!['ro', 'rw', 'z', 'Z', 'nocopy', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'consistent', 'cached', 'delegated'].includes(m)) throw invalid(`invalid mode: ${m}`);
  const rw = !modes.includes('ro');
  const dest = path.posix.normalize(target);
  const propagation = modes.find((m) => /(r?)(private|shared|slave)$/.test(m)) ?? 'rprivate';
  if (source.startsWith('/')) {
    return { Type: 'bind', Source: source, Destination: dest, Mode: modeStr, RW: rw, Propagation: propagation };
  }
  const vol = await ctx.volumes.create({ Name: source });
  return { Type: 'volume', Name: vol.Name, Source: vol.Mountpoint, Destination: dest, Driver: 'local', Mode: modeStr || 'z', RW: rw, Propagation: '', NoCopy: modes.includes('nocopy') };
}

/** One resolved mount in OCI terms. */
export function toOciMount(m: ResolvedMount): MountDefinition {
  if (m.Type === 'tmpfs') {
    const opts = ['nosuid', 'nodev', 'noexec', ...(m.TmpfsOptions ?? [])];
    // exec in the options list overrides the noexec default
    const clean = opts.includes('exec') ? opts.filter((o) => o !== 'noexec') : opts;
    return { destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: [...clean, m.RW ? 'rw' : 'ro'] };
  }
  const prop = m.Propagation && m.Propagation !== '' ? m.Propagation : 'rprivate';
  return { destination: m.Destination, type: 'bind', source: m.Source, options: ['rbind', prop, m.RW ? 'rw' : 'ro'] };
}
