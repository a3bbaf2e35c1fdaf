import { invalidAt, isRecord, scalarString, type Transform } from './transform.js';

// `KEY=VALUE` lists and dictionaries → one dictionary, as Compose prints them.

function splitEntry(entry: string): [string, string | undefined] {
  const i = entry.indexOf('=');
  return i < 0 ? [entry, undefined] : [entry.slice(0, i), entry.slice(i + 1)];
}

/**
 * environment, build.args, hooks' environment: a name without a value stays null so it
 * can be resolved from the host environment when the container is created.
 */
export const mappingWithEquals: Transform = (v, ctx) => {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const [key, value] = splitEntry(scalarString(item));
      out[key] = value ?? null;
    }
  } else if (isRecord(v)) {
    for (const [key, value] of Object.entries(v)) out[key] = value === null || value === undefined ? null : scalarString(value);
  } else if (v !== null) {
    throw invalidAt(ctx.path, 'must be a list or a mapping');
  }
  return out;
};

/** labels, annotations, sysctls, options: every value is a string ("" when absent). */
export const stringMapping: Transform = (v, ctx) => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(mappingWithEquals(v, ctx) as Record<string, string | null>)) out[key] = value ?? '';
  return out;
};

/** extra_hosts: Compose prints a sorted list of "host=ip" whatever the input form. */
export const extraHosts: Transform = (v, ctx) => {
  const pairs: string[] = [];
  const add = (host: string, ip: string) => pairs.push(`${host}=${ip.replace(/^\[(.*)\]$/, '$1')}`);
  if (Array.isArray(v)) {
    for (const item of v.map(scalarString)) {
      const eq = item.indexOf('=');
      const sep = eq >= 0 ? eq : item.indexOf(':');
      if (sep < 0) throw invalidAt(ctx.path, `entry "${item}" must be host=ip or host:ip`);
      add(item.slice(0, sep), item.slice(sep + 1));
    }
  } else if (isRecord(v)) {
    for (const [host, ips] of Object.entries(v)) {
      for (const ip of Array.isArray(ips) ? ips : [ips]) add(host, scalarString(ip));
    }
  }
  return pairs.sort();
};
