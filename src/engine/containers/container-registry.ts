import path from 'node:path';
import { conflict, invalid, notFound } from '../../errors.js';
import type { ContainerStore } from './container-store.js';
import type { ContainerRecord } from './model.js';
import type { ContainerPaths } from './runtime-port.js';

// The live set of containers: by ID, by name, and by ID prefix as Docker resolves them
// (exact ID, then exact name, then a unique ID prefix). Every change is saved.
export class ContainerRegistry {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly idByName = new Map<string, string>();
  /** Names claimed by creates still in flight (they await the image and volumes). */
  private readonly reserved = new Set<string>();

  constructor(private readonly store: ContainerStore, private readonly runDir: string) {}

  /** Claim a name for a create in flight; released by add() or release(). */
  reserve(name: string): void {
    this.assertNameFree(name);
    this.reserved.add(name);
  }

  release(name: string): void {
    this.reserved.delete(name);
  }

  assertNameFree(name: string): void {
    if (this.reserved.has(name)) throw conflict(`Conflict. The container name "/${name}" is already in use by a container being created.`);
    const holder = this.idByName.get(name);
    if (holder) throw conflict(`Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
  }

  add(c: ContainerRecord): void {
    this.reserved.delete(c.Name);
    this.assertNameFree(c.Name);
    this.byId.set(c.Id, c);
    this.idByName.set(c.Name, c.Id);
  }

  delete(c: ContainerRecord): void {
    this.byId.delete(c.Id);
    if (this.idByName.get(c.Name) === c.Id) this.idByName.delete(c.Name);
  }

  rename(c: ContainerRecord, name: string): void {
    this.assertNameFree(name);
    this.idByName.delete(c.Name);
    c.Name = name;
    this.idByName.set(name, c.Id);
  }

  nameTaken(name: string): boolean {
    return this.idByName.has(name) || this.reserved.has(name);
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  get(ref: string): ContainerRecord {
    const found = this.find(ref);
    if (!found) throw notFound(`No such container: ${ref}`);
    return found;
  }

  find(ref: string): ContainerRecord | undefined {
    if (ref === '') return undefined;
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const name = ref.replace(/^\//, '');
    const byName = this.idByName.get(name);
    if (byName) return this.byId.get(byName);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const matches = this.all().filter((c) => c.Id.startsWith(ref));
    if (matches.length > 1) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
    return matches[0];
  }

  async save(c: ContainerRecord): Promise<void> {
    if (this.byId.get(c.Id) === c) await this.store.save(c);
  }

  paths(id: string): ContainerPaths {
    const dir = this.store.containerDir(id);
    return { dir, bundle: path.join(dir, 'bundle'), rootfs: path.join(dir, 'rootfs'), stateDir: path.join(this.runDir, 'c', id), logPath: path.join(dir, `${id}-json.log`) };
  }
}
