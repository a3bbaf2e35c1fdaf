import { invalid } from '../../errors.js';

// Docker's image reference grammar (distribution/reference): [domain/]path[:tag][@digest].
// Names are stored fully qualified ("docker.io/library/busybox:latest") and shown in the
// familiar form ("busybox:latest"), as Docker does.

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const FULL_HEX_ID = /^[a-f0-9]{64}$/;
const NAME_TOTAL_MAX = 255;

export interface ImageReference {
  /** Registry host[:port], e.g. "docker.io". */
  domain: string;
  /** Repository path under the domain, e.g. "library/busybox". */
  path: string;
  tag?: string;
  digest?: string;
}

/** "domain/path" */
export const repositoryName = (ref: ImageReference): string => `${ref.domain}/${ref.path}`;

/** Parse and normalize a reference; a missing tag stays missing (see withDefaultTag). */
export function parseReference(input: string): ImageReference {
  if (input === '') throw invalid('invalid reference format: empty image name');
  if (FULL_HEX_ID.test(input)) {
    throw invalid(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(`invalid reference format: bad digest in "${input}"`);
    if (digest.startsWith('sha256:') && !SHA256_DIGEST.test(digest)) throw invalid(`invalid reference format: bad sha256 digest in "${input}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(`invalid reference format: bad tag "${tag}" in "${input}"`);
  }
  const { domain, path } = splitDomain(rest, input);
  if (`${domain}/${path}`.length > NAME_TOTAL_MAX) throw invalid(`invalid reference format: repository name must not be more than ${NAME_TOTAL_MAX} characters`);
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      const hint = /[A-Z]/.test(component) ? ': repository name must be lowercase' : '';
      throw invalid(`invalid reference format${hint}: "${input}"`);
    }
  }
  const ref: ImageReference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

function splitDomain(name: string, input: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let path = name;
  if (slash > 0) {
    const first = name.slice(0, slash);
    // Docker's rule: the first component is a registry when it has a '.' or ':' or is
    // "localhost" (or has uppercase letters, which a path component never may).
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = name.slice(slash + 1);
      const [host = '', port] = domain.split(':');
      const hostOk = host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
      if (!hostOk || (port !== undefined && !/^\d+$/.test(port))) throw invalid(`invalid reference format: bad registry "${domain}" in "${input}"`);
    }
  }
  if (path === '') throw invalid(`invalid reference format: "${input}"`);
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { domain, path };
}

/** Add ":latest" when the reference has neither tag nor digest (Docker's TagNameOnly). */
export function withDefaultTag(ref: ImageReference): ImageReference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return { ...ref, tag: DEFAULT_TAG };
}

/** Fully qualified string: "docker.io/library/busybox:latest". */
export function formatReference(ref: ImageReference): string {
  let out = repositoryName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The short form Docker shows: "busybox:latest", "me/app:1", "ghcr.io/o/x:2". */
export function familiarName(repository: string): string {
  const defaultPrefix = `${DEFAULT_DOMAIN}/`;
  if (!repository.startsWith(defaultPrefix)) return repository;
  const path = repository.slice(defaultPrefix.length);
  return path.startsWith(OFFICIAL_PREFIX) && path.split('/').length === 2 ? path.slice(OFFICIAL_PREFIX.length) : path;
}

export function familiarString(ref: ImageReference): string {
  let out = familiarName(repositoryName(ref));
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Parse a stored fully qualified "name:tag" key back into its familiar form. */
export function familiarTagged(fullTagged: string): string {
  return familiarString(parseReference(fullTagged));
}

/** Normalize a user's name[:tag] to the stored key "docker.io/library/name:tag". */
export function normalizeTagged(input: string): string {
  const ref = withDefaultTag(parseReference(input));
  if (ref.digest !== undefined) throw invalid(`"${input}": a digest reference cannot be used as a tag`);
  return formatReference(ref);
}

export const isFullHexId = (s: string): boolean => FULL_HEX_ID.test(s);
export const isSha256Digest = (s: string): boolean => SHA256_DIGEST.test(s);
