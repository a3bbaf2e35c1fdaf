import { invalid, notFound } from '../../errors.js';
import { formatReference, isFullHexId, parseReference, repositoryName, withDefaultTag } from './reference.js';
import type { StoreState } from './store-index.js';

// Which image a user's string names, with Docker's precedence: a full ID, then a
// reference (name[:tag] or name@digest), then an ID prefix of at least 4 hex digits
// (with or without "sha256:"). A prefix matching several images is an error.

export const MIN_PREFIX = 4;

export interface Resolved {
  id: string;
  /** The stored "name:tag" key when the string named a tag. */
  tagged?: string;
  /** "name@digest" when the string named a digest. */
  digested?: string;
}

export function resolveImage(state: StoreState, input: string): Resolved {
  const full = /^(?:sha256:)?([a-f0-9]{64})$/.exec(input);
  if (full && state.images[`sha256:${full[1]}`]) return { id: `sha256:${full[1]}` };
  if (!input.startsWith('sha256:') && !isFullHexId(input)) {
    const byRef = resolveReference(state, input);
    if (byRef) return byRef;
  }
  const prefix = /^(?:sha256:)?([a-f0-9]+)$/.exec(input)?.[1];
  if (prefix !== undefined && prefix.length >= MIN_PREFIX) {
    const matches = Object.keys(state.images).filter((id) => id.slice('sha256:'.length).startsWith(prefix));
    if (matches.length === 1 && matches[0] !== undefined) return { id: matches[0] };
    if (matches.length > 1) throw invalid(`image ID prefix "${input}" is ambiguous: it matches ${matches.length} images`);
  }
  throw notFound(`No such image: ${input}`);
}

function resolveReference(state: StoreState, input: string): Resolved | undefined {
  let ref;
  try {
    ref = parseReference(input);
  } catch (err) {
    // Not a name: it may still be an ID prefix; otherwise report the reference error.
    if (/^[a-f0-9]+$/.test(input)) return undefined;
    throw err;
  }
  if (ref.digest !== undefined) {
    const name = repositoryName(ref);
    for (const [id, entry] of Object.entries(state.images)) {
      if (entry.manifest.digest === ref.digest) return { id, digested: `${name}@${ref.digest}` };
    }
    return undefined;
  }
  const key = formatReference(withDefaultTag(ref));
  const id = state.refs[key];
  return id !== undefined && state.images[id] ? { id, tagged: key } : undefined;
}

/** Stored "name:tag" keys pointing at an image, sorted. */
export function tagsOf(state: StoreState, id: string): string[] {
  return Object.entries(state.refs)
    .filter(([, target]) => target === id)
    .map(([key]) => key)
    .sort();
}
