import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { alreadyExists, conflict, invalid, notFound } from '../../errors.js';
import { isMountedAt } from '../../runtime/mountinfo.js';
import { writeAtomic } from '../atomic-write.js';
import type { EventBus } from '../events.js';
import type { VolumeRecord, VolumeService } from '../types.js';

// The `local` volume driver: one directory per volume, <root>/volumes/<name>/_data, with
// its metadata next to it in meta.json. Which containers use a volume is asked of the
// container service (usedBy), so a volume in use cannot be removed.

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

interface VolumeMeta {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string> | null;
  /** Anonymous volumes are removed with their container (rm -v) and by prune. */
  anonymous?: boolean;
}

export type VolumeUsers = (name: string) => string[];

export class LocalVolumes implements VolumeService {
  private readonly dir: string;
  private usedBy: VolumeUsers = () => [];

  constructor(root: string, private readonly events: EventBus) {
    this.dir = path.join(root, 'volumes');
  }

  setUsers(usedBy: VolumeUsers): void {
    this.usedBy = usedBy;
  }

  async create(req: { Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }, anonymous = false): Promise<VolumeRecord> {
    if (req.Driver !== undefined && req.Driver !== '' && req.Driver !== 'local') throw invalid(`volume driver "${req.Driver}" is not supported (only "local")`);
    const name = req.Name && req.Name !== '' ? req.Name : randomBytes(32).toString('hex');
    if (!NAME_RE.test(name)) throw invalid(`volume name "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
    const existing = await this.readMeta(name);
    if (existing) {
      // Docker answers an existing volume as success when the request agrees with it.
      const labels = req.Labels ?? {};
      for (const [k, v] of Object.entries(labels)) {
        if (existing.Labels[k] !== v) throw alreadyExists(`volume "${name}" already exists with different labels`);
      }
      return this.record(existing);
    }
    const meta: VolumeMeta = {
      Name: name,
      CreatedAt: new Date().toISOString(),
      Labels: req.Labels ?? {},
      Options: req.DriverOpts && Object.keys(req.DriverOpts).length > 0 ? req.DriverOpts : null,
      ...(anonymous ? { anonymous: true } : {}),
    };
    validateOptions(meta.Options);
    await mkdir(path.join(this.dir, name, '_data'), { recursive: true, mode: 0o755 });
    await writeAtomic(path.join(this.dir, name, 'meta.json'), JSON.stringify(meta));
    this.events.emit('volume', 'create', name, { driver: 'local' });
    return this.record(meta);
  }

  async list(filters: Record<string, string[]> = {}): Promise<VolumeRecord[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const metas = (await Promise.all(names.map((n) => this.readMeta(n)))).filter((m): m is VolumeMeta => m !== undefined);
    return metas.filter((m) => this.matches(m, filters)).map((m) => this.record(m));
  }

  async inspect(name: string): Promise<VolumeRecord> {
    const meta = await this.readMeta(name);
    if (!meta) throw notFound(`get ${name}: no such volume`);
    return this.record(meta);
  }

  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    const meta = await this.readMeta(name);
    if (!meta) {
      if (opts.force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    const users = this.usedBy(name);
    if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    // Never delete through a mount: the device (a host directory for o=bind) is the user's data.
    await this.unmount(name);
    if (await isMountPoint(this.mountpoint(name))) throw conflict(`remove ${name}: ${this.mountpoint(name)} is still mounted`);
    await rm(path.join(this.dir, name), { recursive: true, force: true });
    this.events.emit('volume', 'destroy', name, { driver: 'local' });
  }

  async prune(filters: Record<string, string[]> = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    const all = filters.all?.some((v) => v === 'true' || v === '1') ?? false;
    for (const vol of await this.list(filters)) {
      const meta = await this.readMeta(vol.Name);
      // Since Docker 23, prune only takes anonymous volumes unless all=true.
      if (!meta || (!meta.anonymous && !all)) continue;
      if (this.usedBy(vol.Name).length > 0) continue;
      await this.remove(vol.Name);
      deleted.push(vol.Name);
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
  }

  async isAnonymous(name: string): Promise<boolean> {
    return (await this.readMeta(name))?.anonymous === true;
  }

  mountpoint(name: string): string {
    return path.join(this.dir, name, '_data');
  }

  /**
   * Volumes created with driver options (type/device/o, as `docker volume create -o`) are
   * mounted on _data when a container first uses them, e.g. type=none,o=bind,device=/src.
   */
  async ensureMounted(name: string): Promise<void> {
    const meta = await this.readMeta(name);
    const opts = meta?.Options;
    if (!opts || (!opts.type && !opts.device)) return;
    const target = this.mountpoint(name);
    if (await isMountPoint(target)) return;
    const o = (opts.o ?? '').split(',').filter(Boolean);
    const bind = o.includes('bind') || o.includes('rbind');
    const args = bind ? ['--bind', ...(o.filter((x) => x !== 'bind' && x !== 'rbind').length > 0 ? ['-o', o.join(',')] : []), opts.device ?? '', target] : ['-t', opts.type ?? 'none', ...(o.length > 0 ? ['-o', o.join(',')] : []), opts.device ?? 'none', target];
    try {
      await promisify(execFile)('mount', args);
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
      throw invalid(`error while mounting volume '${target}': ${stderr.trim()}`, err);
    }
  }

  private async unmount(name: string): Promise<void> {
    const target = this.mountpoint(name);
    // stacked mounts come off one per umount; a few tries, then remove() refuses
    for (let i = 0; i < 4 && (await isMountPoint(target)); i++) {
      await promisify(execFile)('umount', [target]).catch(() => promisify(execFile)('umount', ['-l', target]).catch(() => undefined));
    }
  }

  /** Mark that a container mounted this volume (Docker's `mount` event). */
  mounted(name: string, containerId: string, destination: string, readWrite: boolean): void {
    this.events.emit('volume', 'mount', name, { container: containerId, destination, driver: 'local', 'read/write': String(readWrite), propagation: '' });
  }

  private matches(meta: VolumeMeta, filters: Record<string, string[]>): boolean {
    for (const [key, values] of Object.entries(filters)) {
      if (values.length === 0) continue;
      if (key === 'name' && !values.some((v) => meta.Name.includes(v))) return false;
      if (key === 'driver' && !values.includes('local')) return false;
      if (key === 'dangling') {
        const dangling = this.usedBy(meta.Name).length === 0;
        if (!values.some((v) => (v === 'true' || v === '1') === dangling)) return false;
      }
      if (key === 'label') {
        const ok = values.every((v) => {
          const eq = v.indexOf('=');
          return eq < 0 ? meta.Labels[v] !== undefined : meta.Labels[v.slice(0, eq)] === v.slice(eq + 1);
        });
        if (!ok) return false;
      }
    }
    return true;
  }

  private record(meta: VolumeMeta): VolumeRecord {
    return { Name: meta.Name, Driver: 'local', Mountpoint: this.mountpoint(meta.Name), CreatedAt: meta.CreatedAt, Labels: meta.Labels, Scope: 'local', Options: meta.Options };
  }

  private async readMeta(name: string): Promise<VolumeMeta | undefined> {
    if (!NAME_RE.test(name)) return undefined;
    try {
      return JSON.parse(await readFile(path.join(this.dir, name, 'meta.json'), 'utf8')) as VolumeMeta;
    } catch {
      return undefined;
    }
  }
}

function validateOptions(opts: Record<string, string> | null): void {
  if (!opts) return;
  for (const key of Object.keys(opts)) {
    if (!['type', 'device', 'o'].includes(key)) throw invalid(`invalid option key: "${key}"`);
  }
}

async function isMountPoint(dir: string): Promise<boolean> {
  return isMountedAt(await readFile('/proc/self/mountinfo', 'utf8'), dir);
}
