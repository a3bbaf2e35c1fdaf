import { invalid } from '../errors.js';

// Docker's `filters` query parameter: JSON of either {"key": ["v1", "v2"]} or the older
// {"key": {"v1": true}} form. Both become Record<key, values>.
export function parseFilters(raw: string | null): Record<string, string[]> {
  if (raw === null || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalid(`invalid filters: ${(err as Error).message}`, err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('invalid filters: expected a JSON object');
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (value !== null && typeof value === 'object') out[key] = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    else throw invalid(`invalid filters: value of "${key}" must be a list`);
  }
  return out;
}

/** Docker's boolean query values: 1/true/True are true, anything else false. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && /^(1|true|yes)$/i.test(v);
}

/** `label=k` or `label=k=v` against a label map. */
export function matchesLabelFilter(labels: Record<string, string>, values: string[] | undefined): boolean {
  if (!values || values.length === 0) return true;
  return values.every((v) => {
    const eq = v.indexOf('=');
    if (eq < 0) return labels[v] !== undefined;
    return labels[v.slice(0, eq)] === v.slice(eq + 1);
  });
}
