import { ComposeError } from './errors.js';
import { substitute, TemplateError, type Lookup } from './template.js';

// `.env` / env_file parsing as compose-go's dotenv does it: `KEY=value`, optional
// `export ` prefix, `#` comments (inline only after whitespace when unquoted), single
// quotes literal, double quotes with escapes and possibly several lines, `KEY` alone
// taking its value from the lookup, and ${VAR} interpolation in unquoted and
// double-quoted values from the lookup first, then earlier entries of the same file.

export type EnvFileFormat = 'dotenv' | 'raw';

export interface EnvFileOptions {
  /** Values for `KEY` alone and for interpolation inside values (e.g. the process env). */
  lookup?: Lookup;
  format?: EnvFileFormat;
}

// `\$` becomes `$$` so that the interpolation that follows keeps it a literal `$`.
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$$' };

export function parseEnvFile(text: string, file: string, options: EnvFileOptions = {}): Record<string, string> {
  if (options.format === 'raw') return parseRaw(text);
  const out: Record<string, string> = {};
  const lookup: Lookup = (name) => options.lookup?.(name) ?? out[name];
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  const fail = (message: string, at = line): never => {
    throw new ComposeError('env_file', message, { position: { file, line: at, col: 1 } });
  };
  const expand = (value: string, at: number): string => {
    try {
      return substitute(value, lookup);
    } catch (err) {
      if (err instanceof TemplateError) return fail(err.message, at);
      throw err;
    }
  };
  while (i < src.length) {
    const end = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    const raw = src.slice(i, end);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    const startLine = line;
    const body = trimmed.replace(/^export\s+/, '');
    // `KEY=value`, or YAML-style `KEY: value` as compose-go's dotenv also reads.
    const eq = body.search(/[=:]/);
    if (eq < 0) {
      const key = body.replace(/\s+#.*$/, '').trim();
      if (!/^[^\s=#'"]+$/.test(key)) fail(`unexpected character in variable name "${key}"`);
      const value = options.lookup?.(key);
      if (value !== undefined) out[key] = value;
      i = end + 1;
      line++;
      continue;
    }
    const key = body.slice(0, eq).trim();
    if (!/^[^\s=#'"]+$/.test(key)) fail(`unexpected character in variable name "${key}"`);
    // Position of the value inside the whole source, so quoted values may span lines.
    let p = i + raw.indexOf(body) + eq + 1;
    while (src[p] === ' ' || src[p] === '\t') p++;
    const quote = src[p];
    if (quote === '"' || quote === "'") {
      let value = '';
      let q = p + 1;
      for (;;) {
        const c = src[q];
        if (c === undefined) fail(`unterminated quoted value for ${key}`, startLine);
        if (c === quote) break;
        if (c === '\\' && quote === "'" && src[q + 1] === "'") {
          // \' does not end a single-quoted value; it is kept as written.
          value += "\\'";
          q += 2;
          continue;
        }
        if (c === '\\' && quote === '"') {
          const n = src[q + 1] ?? '';
          value += ESCAPES[n] ?? `\\${n}`;
          q += 2;
          continue;
        }
        if (c === '\n') line++;
        value += c;
        q++;
      }
      const lineEnd = src.indexOf('\n', q) < 0 ? src.length : src.indexOf('\n', q);
      const trailing = src.slice(q + 1, lineEnd).trim();
      if (trailing !== '' && !trailing.startsWith('#')) fail(`unexpected text after the quoted value of ${key}`);
      out[key] = quote === '"' ? expand(value, startLine) : value;
      i = lineEnd + 1;
      line++;
      continue;
    }
    let value = src.slice(p, end);
    const comment = value.search(/\s#/);
    if (comment >= 0) value = value.slice(0, comment);
    out[key] = expand(value.trim(), startLine);
    i = end + 1;
    line++;
  }
  return out;
}

function parseRaw(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    out[raw.slice(0, eq).trim()] = raw.slice(eq + 1);
  }
  return out;
}
