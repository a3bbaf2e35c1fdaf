import { BerthError } from '../errors.js';

// `inspect --format`: the Go-template subset people use most: `{{.Dotted.Path}}` and
// `{{json .Path}}` actions, any number of them, with text around them
// (`'{{.Name}} {{.State.Status}}'`), printed one line per object.

const ACTION = /\{\{\s*(json\s+)?\.([\w.]*)\s*\}\}/g;

export function selectPath(value: unknown, template: string): string {
  const actions = template.match(/\{\{[\s\S]*?\}\}/g) ?? [];
  if (actions.some((a) => !/^\{\{\s*(?:json\s+)?\.[\w.]*\s*\}\}$/.test(a))) {
    throw new BerthError('usage', `unsupported --format ${template}: only {{.Path.To.Field}} and {{json .Path}} actions (with text around them) are supported`);
  }
  return template.replace(ACTION, (_all, json: string | undefined, dotted: string) => render(lookup(value, dotted), json !== undefined));
}

function lookup(value: unknown, dotted: string): unknown {
  let cur: unknown = value;
  for (const key of dotted.split('.').filter(Boolean)) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

function render(v: unknown, json: boolean): string {
  if (json || (v !== null && typeof v === 'object')) return JSON.stringify(v) ?? 'null';
  return v === undefined || v === null ? '<no value>' : String(v);
}
