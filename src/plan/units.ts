// Units as the Compose model prints them: Go durations ("1m30s", "500ms") and byte counts
// as decimal strings. Docker's API wants nanoseconds and plain numbers.

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go duration string → nanoseconds. Throws on a malformed value. */
export function durationToNanos(value: string): number {
  const text = value.trim();
  if (text === '0' || text === '') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? 's'] ?? 1e9);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`invalid duration ${JSON.stringify(value)}`);
  return Math.round(total);
}

export function durationToSeconds(value: string): number {
  return Math.ceil(durationToNanos(value) / 1e9);
}

/** Byte count (a decimal string, or a number) → number; units accepted for safety. */
export function toBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!m) throw new Error(`invalid byte size ${JSON.stringify(value)}`);
  const scale: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.round(Number(m[1]) * (scale[(m[2] ?? '').toLowerCase()] ?? 1));
}
