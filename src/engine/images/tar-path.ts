import path from 'node:path';
import { invalid } from '../../errors.js';

// Path decisions for archive entries, kept pure so they can be tested on their own.
// An entry name becomes a path relative to the extraction root: a leading '/' is
// confined to the root (as Docker does: the name is joined under the target), any name
// that climbs above the root with '..' is refused.

/**
 * The cleaned path of an entry, relative to the extraction root ('' for the root
 * itself). Throws `invalid` for names that would land outside the root.
 */
export function safeEntryPath(name: string): string {
  if (name.includes('\0')) throw invalid(`archive entry ${JSON.stringify(name)}: NUL byte in name`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw invalid(`archive entry "${name}" points outside the target directory`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/** Every ancestor of a relative path, shortest first: "a/b/c" → ["a", "a/b"]. */
export function parentChain(rel: string): string[] {
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** Join a safe relative path under a root (never escapes: the input is already cleaned). */
export function under(root: string, rel: string): string {
  return rel === '' ? root : path.join(root, ...rel.split('/'));
}
