// Docker's ulimit names (docker/go-units) → OCI rlimit types. "as" is missing on purpose:
// Docker refuses it too.
import { invalid } from '../errors.js';
import type { OciRlimit } from './oci-spec.js';
import type { Ulimit } from './types.js';

const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio',
  'rttime', 'sigpending', 'stack',
] as const;

const KNOWN = new Set<string>(ULIMIT_NAMES);

/** "nofile" → "RLIMIT_NOFILE"; unknown names are a BerthError invalid. */
export function rlimitType(name: string): string {
  const lower = name.trim().toLowerCase();
  if (!KNOWN.has(lower)) throw invalid(`ulimits: unknown ulimit "${name}" (expected one of ${ULIMIT_NAMES.join(', ')})`);
  return `RLIMIT_${lower.toUpperCase()}`;
}

export function toRlimits(ulimits: Ulimit[]): OciRlimit[] {
  const seen = new Set<string>();
  return ulimits.map((u) => {
    const type = rlimitType(u.name);
    if (seen.has(type)) throw invalid(`ulimits: "${u.name}" given twice`);
    seen.add(type);
    for (const [k, v] of [['soft', u.soft], ['hard', u.hard]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw invalid(`ulimits.${u.name}.${k}: expected a non-negative integer, got ${String(v)}`);
    }
    if (u.soft > u.hard) throw invalid(`ulimits.${u.name}: soft limit ${u.soft} is greater than hard limit ${u.hard}`);
    return { type, hard: u.hard, soft: u.soft };
  });
}
