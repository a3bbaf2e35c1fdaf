import { BerthError } from '../errors.js';

// `inspect --format`: accepts a dotted path such as {{.State.Status}} (the Go-template subset
// people use most), printed one line per container.
export function selectPath(value: unknown, template: string): string {
  const m = /^\{\{\s*(?:json\s+)?\.([\w.]*)\s*\}\}$/.exec(template.trim());
  if (!m) throw new BerthError('usage', `unsupported --format ${template}: only {{.Path.To.Field}} and {{json .Path}} are supported`);
  let cur: unknown = value;
  for (const key of (m[1] ?? '').split('.').filter(Boolean)) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  if (template.includes('json') || (cur !== null && typeof cur === 'object')) return JSON.stringify(cur);
  return cur === undefined || cur === null ? '<no value>' : String(cur);
}

