import { invalid } from '../../errors.js';

// HostConfig.LogConfig.Config of the json-file driver, checked as dockerd checks it:
// max-size (a size with an optional k/m/g unit, 1000-based, as Docker's FromHumanSize),
// max-file (>= 1; without max-size nothing rotates), and the options Docker accepts but
// that change nothing here (compress, labels, env, tag, ...). Anything else is refused.

// mode and max-buffer-size are accepted by every driver.
const ACCEPTED = new Set(['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'mode', 'max-buffer-size']);

export interface JsonLogLimits {
  /** bytes; undefined = no rotation */
  maxSize?: number;
  /** files kept, counting the current one */
  maxFiles: number;
}

/** Docker's units.FromHumanSize: "10m", "10MB", "10 k", "1.5g"; 1000-based. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgtp'.indexOf((m[2] ?? '').toLowerCase() || ' ');
  return Math.floor(Number(m[1]) * 1000 ** power);
}

export function jsonLogLimits(config: Record<string, string>): JsonLogLimits {
  for (const key of Object.keys(config)) if (!ACCEPTED.has(key)) throw invalid(`unknown log opt '${key}' for json-file log driver`);
  let maxSize: number | undefined;
  const sizeText = config['max-size'];
  if (sizeText !== undefined) {
    maxSize = parseSize(sizeText);
    if (maxSize === undefined) throw invalid(`invalid size: '${sizeText}'`);
    if (maxSize <= 0) throw invalid('max-size must be a positive number');
  }
  let maxFiles = 1;
  const filesText = config['max-file'];
  if (filesText !== undefined) {
    if (!/^[-+]?\d+$/.test(filesText)) throw invalid(`strconv.Atoi: parsing "${filesText}": invalid syntax`);
    maxFiles = Number(filesText);
    if (maxFiles < 1) throw invalid('max-file cannot be less than 1');
  }
  const compress = config.compress;
  if (compress !== undefined && !['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F'].includes(compress)) throw invalid(`strconv.ParseBool: parsing "${compress}": invalid syntax`);
  return maxSize === undefined ? { maxFiles } : { maxSize, maxFiles };
}

/** What the shim is started with (--log-max-size, --log-max-file); a record that does not pass the check rotates nothing. */
export function shimLogLimits(config: Record<string, string>): { logMaxSize?: number; logMaxFiles?: number } {
  try {
    const l = jsonLogLimits(config);
    return l.maxSize === undefined ? {} : { logMaxSize: l.maxSize, logMaxFiles: l.maxFiles };
  } catch {
    return {};
  }
}
