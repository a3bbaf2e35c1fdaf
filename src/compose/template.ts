// The Compose variable grammar on one string: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d},
// ${VAR:?msg}, ${VAR?msg}, ${VAR:+alt}, ${VAR+alt}, nesting inside the word after the
// operator, and $$ for a literal $. A `$` followed by anything else stays as written, as
// compose-go leaves it.

export type Lookup = (name: string) => string | undefined;

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'required',
  ) {
    super(message);
  }
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

export interface SubstituteHooks {
  /** Called for a variable that is unset and has no default. */
  onUnset?: (name: string) => void;
}

export function substitute(input: string, lookup: Lookup, hooks: SubstituteHooks = {}): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar < 0) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = dollar + 2;
      while (end < input.length && NAME_CHAR.test(input[end] as string)) end++;
      out += resolvePlain(input.slice(dollar + 1, end), lookup, hooks);
      i = end;
    } else if (next === '{') {
      const close = matchingBrace(input, dollar + 2);
      if (close < 0) throw new TemplateError(`invalid interpolation format: "${input.slice(dollar)}" is not closed`, 'invalid');
      out += braced(input.slice(dollar + 2, close), input.slice(dollar, close + 1), lookup, hooks);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

function resolvePlain(name: string, lookup: Lookup, hooks: SubstituteHooks): string {
  const value = lookup(name);
  if (value === undefined) hooks.onUnset?.(name);
  return value ?? '';
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${`. */
function matchingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') i++;
    else if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, whole: string, lookup: Lookup, hooks: SubstituteHooks): string {
  let n = 0;
  if (!NAME_START.test(body[0] ?? '')) throw new TemplateError(`invalid interpolation format: "${whole}"`, 'invalid');
  while (n < body.length && NAME_CHAR.test(body[n] as string)) n++;
  const name = body.slice(0, n);
  if (n === body.length) return resolvePlain(name, lookup, hooks);
  const rest = body.slice(n);
  const op: Operator | undefined = OPERATORS.find((o) => rest.startsWith(o));
  if (op === undefined) throw new TemplateError(`invalid interpolation format: "${whole}"`, 'invalid');
  const word = rest.slice(op.length);
  const value = lookup(name);
  const emptyCounts = op.startsWith(':');
  const missing = value === undefined || (emptyCounts && value === '');
  switch (op) {
    case ':-':
    case '-':
      return missing ? substitute(word, lookup, hooks) : (value ?? '');
    case ':?':
    case '?': {
      if (!missing) return value ?? '';
      const msg = substitute(word, lookup, hooks);
      throw new TemplateError(`required variable ${name} is missing a value${msg === '' ? '' : `: ${msg}`}`, 'required');
    }
    case ':+':
    case '+':
      return missing ? '' : substitute(word, lookup, hooks);
  }
}
