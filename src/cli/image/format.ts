import { BerthError } from '../../errors.js';

// Small formatting helpers shared by the image commands.

/** Docker's short image ID: 12 hex digits without "sha256:". */
export const shortImageId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** A Go-template subset: `{{.Field}}` and `{{json .}}`, with \t and \n escapes. */
export function renderTemplate(template: string, row: object): string {
  const fields = row as Record<string, unknown>;
  return template
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n')
    .replace(/\{\{\s*(json\s+)?\.(\w*)\s*\}\}/g, (_m, json: string | undefined, key: string) => {
      const value = key === '' ? row : fields[key];
      if (json || (value !== null && typeof value === 'object')) return JSON.stringify(value);
      if (value === undefined) throw new BerthError('usage', `template: unknown field .${key}`);
      return String(value);
    });
}
