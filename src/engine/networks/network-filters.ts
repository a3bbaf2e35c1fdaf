import { invalid } from '../../errors.js';
import type { NetworkState } from './state.js';

// Docker's `GET /networks?filters=` and `POST /networks/prune` filters, pure.

const KNOWN = new Set(['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling', 'until']);

function labelMatches(labels: Record<string, string>, expr: string): boolean {
  const eq = expr.indexOf('=');
  if (eq < 0) return expr in labels;
  return labels[expr.slice(0, eq)] === expr.slice(eq + 1);
}

function untilMatches(created: string, value: string): boolean {
  const limit = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(limit)) throw invalid(`invalid until filter: ${value}`);
  return Date.parse(created) < limit;
}

export function matchesFilters(n: NetworkState, filters: Record<string, string[]> = {}): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (!KNOWN.has(key)) throw invalid(`invalid filter '${key}'`);
    if (values.length === 0) continue;
    const ok = values.some((v) => {
      switch (key) {
        case 'name':
          return n.name.includes(v); // Docker matches names by substring
        case 'id':
          return n.id.startsWith(v);
        case 'label':
          return labelMatches(n.labels, v);
        case 'driver':
          return n.driver === v;
        case 'type':
          return v === (n.predefined ? 'builtin' : 'custom');
        case 'scope':
          return v === 'local';
        case 'dangling':
          return (v === 'true' || v === '1') === (Object.keys(n.endpoints).length === 0 && !n.predefined);
        default:
          return untilMatches(n.created, v);
      }
    });
    if (!ok) return false;
  }
  return true;
}

/** The `filters` query parameter (JSON of name → values or name → {value: true}). */
export function parseFiltersParam(text: string | null): Record<string, string[]> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid(`invalid filters: ${text}`, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(`invalid filters: ${text}`);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'object' && v !== null) out[k] = Object.keys(v).filter((key) => (v as Record<string, unknown>)[key] === true);
    else throw invalid(`invalid filters: ${text}`);
  }
  return out;
}
