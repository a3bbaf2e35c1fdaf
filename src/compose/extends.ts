import { existsSync } from 'node:fs';
import path from 'node:path';
import { ComposeError, type KeyPath } from './errors.js';
import type { ParsedDocument, TaggedPath } from './load.js';
import { mergeTrees } from './merge.js';
import { cloneTree, treeLocator } from './positions.js';
import { relocateService } from './relocate.js';
import { isRecord } from './tree-path.js';

// `extends`: a service starts as a copy of another one (same file, or `file:` another
// file, chains allowed) and its own keys merge on top by the usual merge rules. Relative
// paths of a service taken from another file keep pointing where they did (relocate.ts).
// A chain that comes back to a service already on it is refused, naming the cycle.

/** A parsed and interpolated file, as extends needs it. */
export interface ExtendsSource {
  file: string;
  tree: Record<string, unknown>;
  tags: readonly TaggedPath[];
  /** The directory this file's relative paths are relative to. */
  baseDir: string;
}

export type ReadExtendsSource = (file: string) => ExtendsSource;

interface Reference {
  service: string;
  file: string | undefined;
}

function fail(source: ExtendsSource, path: KeyPath, message: string, kind: 'extends' | 'cycle' = 'extends'): never {
  throw new ComposeError(kind, message, { position: treeLocator(source.tree).locate(path) ?? { file: source.file, line: 1, col: 1 }, keyPath: path });
}

function reference(source: ExtendsSource, name: string, value: unknown): Reference {
  const at = ['services', name, 'extends'];
  if (typeof value === 'string') return { service: value, file: undefined };
  if (isRecord(value) && typeof value.service === 'string') {
    if (value.file !== undefined && typeof value.file !== 'string') fail(source, [...at, 'file'], `services.${name}.extends.file must be a string`);
    return { service: value.service, file: value.file as string | undefined };
  }
  return fail(source, at, `services.${name}.extends must be a service name or a mapping with "service"`);
}

export class ExtendsResolver {
  constructor(private readonly read: ReadExtendsSource) {}

  /** Resolve every service of a document in place. */
  applyTo(doc: ParsedDocument, baseDir: string): void {
    const source: ExtendsSource = { file: doc.file, tree: doc.tree, tags: doc.tags, baseDir };
    const services = doc.tree.services;
    if (!isRecord(services)) return;
    for (const name of Object.keys(services)) this.resolve(source, name, []);
  }

  private resolve(source: ExtendsSource, name: string, chain: readonly string[]): Record<string, unknown> | undefined {
    const services = source.tree.services;
    if (!isRecord(services)) return undefined;
    const service = services[name];
    if (!isRecord(service) || service.extends === undefined) return isRecord(service) ? service : undefined;
    const key = `${source.file}#${name}`;
    const ref = reference(source, name, service.extends);
    const at: KeyPath = ['services', name, 'extends'];
    if (chain.includes(key)) {
      const names = [...chain, key].slice(chain.indexOf(key)).map((k) => k.slice(k.lastIndexOf('#') + 1));
      fail(source, at, `services.${name}.extends: extends cycle ${names.join(' -> ')}`, 'cycle');
    }
    const next = [...chain, key];
    let base: Record<string, unknown> | undefined;
    if (ref.file !== undefined) {
      // As in compose-go: relative to the project directory for the project's own files,
      // to the extended file's directory for files reached through extends.
      const otherFile = path.resolve(source.baseDir, ref.file);
      if (!existsSync(otherFile)) fail(source, [...at, 'file'], `services.${name}.extends.file: ${otherFile} not found`);
      const other = this.read(otherFile);
      const found = this.resolve(other, ref.service, next);
      if (!found) fail(source, at, `services.${name}.extends: service "${ref.service}" not found in ${otherFile}`);
      base = cloneTree(found);
      if (other.baseDir !== source.baseDir) relocateService(base, other.baseDir);
    } else {
      const found = this.resolve(source, ref.service, next);
      if (!found) fail(source, at, `services.${name}.extends: service "${ref.service}" not found`);
      base = cloneTree(found);
    }
    delete service.extends;
    const tags = source.tags.filter((t) => t.path[0] === 'services' && t.path[1] === name);
    const merged = mergeTrees({ services: { [name]: base } }, { services: { [name]: service } }, tags);
    const result = (merged.services as Record<string, Record<string, unknown>>)[name] as Record<string, unknown>;
    services[name] = result;
    return result;
  }
}
