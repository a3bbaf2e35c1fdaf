import path from 'node:path';
import { isRecord } from './tree-path.js';

// Relative paths in a compose file are relative to its project directory. When a
// service comes from another file (extends) or another project (include), its relative
// paths must keep pointing where they did, so they are made absolute against the
// directory they were written for before the service joins this project.

const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || s.startsWith('github.com/');

function abs(dir: string, p: unknown): unknown {
  if (typeof p !== 'string' || p === '' || path.isAbsolute(p) || p.startsWith('~') || isUrl(p) || p.includes('${')) return p;
  return path.resolve(dir, p);
}

/** A short volume source is a path when it starts with `.` or `/` or `~`; else a volume name. */
function relocateVolume(dir: string, entry: unknown): unknown {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    const [source] = parts;
    if (parts.length < 2 || source === undefined || !source.startsWith('.')) return entry;
    return [abs(dir, source), ...parts.slice(1)].join(':');
  }
  if (isRecord(entry) && entry.type === 'bind') entry.source = abs(dir, entry.source);
  return entry;
}

// Arrays and mappings are updated in place so the positions recorded for them stay.
function eachInPlace(list: unknown[], fn: (entry: unknown) => unknown): void {
  list.forEach((entry, i) => {
    list[i] = fn(entry);
  });
}

function relocateFileList(dir: string, value: unknown): unknown {
  if (typeof value === 'string') return abs(dir, value);
  if (Array.isArray(value)) {
    eachInPlace(value, (e) => {
      if (!isRecord(e)) return abs(dir, e);
      e.path = abs(dir, e.path);
      return e;
    });
  }
  return value;
}

/** Rewrites relative paths of one (raw, short-syntax) service in place. */
export function relocateService(service: Record<string, unknown>, dir: string): void {
  if (typeof service.build === 'string') service.build = abs(dir, service.build);
  else if (isRecord(service.build)) {
    const build = service.build;
    build.context = abs(dir, build.context ?? '.');
  }
  if (service.env_file !== undefined) service.env_file = relocateFileList(dir, service.env_file);
  if (service.label_file !== undefined) service.label_file = relocateFileList(dir, service.label_file);
  if (Array.isArray(service.volumes)) eachInPlace(service.volumes, (v) => relocateVolume(dir, v));
  if (isRecord(service.extends) && typeof service.extends.file === 'string') service.extends.file = abs(dir, service.extends.file);
  const develop = service.develop;
  if (isRecord(develop) && Array.isArray(develop.watch)) {
    for (const w of develop.watch) if (isRecord(w)) w.path = abs(dir, w.path);
  }
}

/** Rewrites relative paths of a whole (raw) project tree in place. */
export function relocateProject(tree: Record<string, unknown>, dir: string): void {
  if (isRecord(tree.services)) for (const svc of Object.values(tree.services)) if (isRecord(svc)) relocateService(svc, dir);
  for (const section of ['secrets', 'configs'] as const) {
    const entries = tree[section];
    if (!isRecord(entries)) continue;
    for (const entry of Object.values(entries)) if (isRecord(entry) && typeof entry.file === 'string') entry.file = abs(dir, entry.file);
  }
}
