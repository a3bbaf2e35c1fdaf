import { ComposeError } from './errors.js';

// Durations as Go's time.ParseDuration reads them and time.Duration.String() prints
// them, because `docker compose config` prints every duration that way ("1m30s",
// "500ms", "1h0m0s"). Values are kept as integer nanoseconds.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Parses "1h2m3.5s", "500ms", "-1.5h"; a bare number means seconds (Compose's YAML ints). */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ComposeError('invalid_value', `invalid duration ${value}`);
    return Math.round(value * 1e9);
  }
  const text = value.trim();
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const m = /^([-+]?)((?:\d*\.?\d+|\d+\.)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (m === null || text === '') throw new ComposeError('invalid_value', `invalid duration "${value}"`);
  let total = 0;
  for (const part of text.matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [, num = '', unit = ''] = part;
    total += Number(num) * (UNIT_NS[unit] ?? 0);
  }
  total = Math.round(total);
  return m[1] === '-' ? -total : total;
}

/** "X.YYY" with trailing zeros (and a bare point) removed. */
function fixed(whole: number, frac: number, digits: number): string {
  if (frac === 0) return String(whole);
  const f = String(frac).padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${f}`;
}

/** Formats nanoseconds exactly as Go's time.Duration.String(). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ns));
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${fixed(Math.floor(abs / 1e3), abs % 1e3, 3)}µs`;
  if (abs < 1e9) return `${sign}${fixed(Math.floor(abs / 1e6), abs % 1e6, 6)}ms`;
  const totalSeconds = Math.floor(abs / 1e9);
  const secs = fixed(totalSeconds % 60, abs % 1e9, 9);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  if (hours > 0) return `${sign}${hours}h${minutes}m${secs}s`;
  if (minutes > 0) return `${sign}${minutes}m${secs}s`;
  return `${sign}${secs}s`;
}

/** Canonical Compose duration string for a user-written value. */
export function normalizeDuration(value: string | number): string {
  return formatDuration(parseDuration(value));
}
