import { ComposeError } from './errors.js';

// Memory sizes as docker/go-units RAMInBytes reads them: binary multiples, an optional
// "b"/"ib" suffix, case-insensitive ("512m", "1g", "1.5GB", "100KiB", 1024).

const MULTIPLIER: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ComposeError('invalid_value', `invalid size ${value}`);
    return Math.floor(value);
  }
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i.exec(value.trim());
  if (m === null) throw new ComposeError('invalid_value', `invalid size "${value}"`);
  const [, num = '0', unit = ''] = m;
  return Math.floor(Number(num) * (MULTIPLIER[unit.toLowerCase()] ?? 1));
}

/** Compose prints byte sizes in JSON as decimal strings. */
export function normalizeByteSize(value: string | number): string {
  return String(parseByteSize(value));
}
