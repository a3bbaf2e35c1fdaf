import path from 'node:path';
import { homeDir, type NormalizeContext } from './transform.js';

// Host paths in a compose file are relative to the project directory; "~" is the user's home.

export function resolveHostPath(p: string, ctx: NormalizeContext): string {
  if (p === '~') return homeDir(ctx.env);
  if (p.startsWith('~/')) return path.join(homeDir(ctx.env), p.slice(2));
  // Windows paths (C:\..., \\.\pipe\...) are kept as written: they are not ours to resolve.
  if (/^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\')) return p;
  return path.resolve(ctx.projectDirectory, p);
}

/** Build contexts may be remote: git URLs and http(s) tarballs stay as written. */
export function isRemoteContext(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith('git@') || p.startsWith('github.com/');
}

/** A host path field (develop.watch.path, label_file entries): absolute against the project. */
export function hostPath(ctx: NormalizeContext): (v: unknown) => unknown {
  return (v) => (typeof v === 'string' ? resolveHostPath(v, ctx) : v);
}
