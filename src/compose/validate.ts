import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ComposeError, formatKeyPath, type KeyPath, type Locator, type SourcePosition } from './errors.js';
import { precompiledValidator } from './precompiled-validator.js';

// Schema check of the merged, interpolated tree against schemas/compose.schema.json.
// The CLI's bundle carries the validator precompiled by scripts/build-schema.mjs (see
// precompiled-validator.ts); running from src/ (vitest) there is none, so ajv compiles the
// schema here, once, on first use.

/** The subset of ajv's ErrorObject we read (kept local so the CLI need not load ajv's types). */
export interface SchemaIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** Where in the schema the failing keyword sits, e.g. "#/properties/gpus/oneOf/0/enum". */
  schemaPath?: string;
}

type ValidateFunction = ((data: unknown) => boolean) & { errors?: SchemaIssue[] | null };

/** ajv, compiling the schema here: only when no validator was precompiled into the bundle. */
function compileValidator(): ValidateFunction {
  // src/compose/ is two levels below the package root. ajv is CommonJS: its class is
  // module.exports and also module.exports.default; require() keeps this synchronous.
  const schemaFile = fileURLToPath(new URL('../../schemas/compose.schema.json', import.meta.url));
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  const exported = createRequire(import.meta.url)('ajv') as { default?: unknown };
  const AjvClass = (exported.default ?? exported) as new (opts: Record<string, unknown>) => { compile(s: unknown): ValidateFunction };
  // The options scripts/build-schema.mjs precompiles with, so tests judge as the CLI does.
  return new AjvClass({ allErrors: true, strict: false, inlineRefs: false }).compile(schema);
}

let validator: ValidateFunction | undefined;
const schemaValidator = (): ValidateFunction => (validator ??= (precompiledValidator as ValidateFunction | undefined) ?? compileValidator());

/** Walks the tree along an ajv instancePath, turning array indexes into numbers. */
function toKeyPath(tree: unknown, instancePath: string): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = tree;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  object: 'mapping',
  array: 'list',
  null: 'null',
};

function typePhrase(types: string[]): string {
  const words = [...new Set(types.map((t) => TYPE_WORDS[t] ?? t))];
  if (words.includes('number')) {
    const i = words.indexOf('integer');
    if (i >= 0) words.splice(i, 1);
  }
  if (words.length === 1) return `a ${words[0]}`;
  return `a ${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Keywords that only summarise other errors: never the most specific. */
const SUMMARY_KEYWORDS = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not', '$ref']);
/** Among errors at the same depth, the lower rank is the clearer message. */
const RANK: Record<string, number> = { additionalProperties: 0, required: 1, type: 2, enum: 3, const: 3, pattern: 4 };

interface Candidate {
  issue: SchemaIssue;
  path: (string | number)[];
  /** Path that the message is about (the extra property for additionalProperties). */
  subject: (string | number)[];
}

/** Keeps the most specific issue: deepest path, then the clearest keyword. */
export function mostSpecific(tree: unknown, issues: readonly SchemaIssue[]): Candidate | undefined {
  const candidates = issues
    .filter((e) => !SUMMARY_KEYWORDS.has(e.keyword))
    .map((issue) => {
      const path = toKeyPath(tree, issue.instancePath);
      const extra = issue.keyword === 'additionalProperties' ? issue.params.additionalProperty : undefined;
      return { issue, path, subject: typeof extra === 'string' ? [...path, extra] : path };
    });
  candidates.sort((a, b) => b.subject.length - a.subject.length || (RANK[a.issue.keyword] ?? 9) - (RANK[b.issue.keyword] ?? 9));
  const best = candidates[0];
  if (best === undefined || best.issue.keyword !== 'type') return best;
  // A union branch that accepted the value's type but refused its value (gpus: "some"
  // against oneOf [enum "all", list]) says more than the branches of other types.
  const branchOf = (c: Candidate) => (c.issue.schemaPath ?? '').replace(/\/[^/]*$/, '');
  const samePath = candidates.filter((c) => c.issue.instancePath === best.issue.instancePath);
  const typed = new Set(samePath.filter((c) => c.issue.keyword === 'type').map(branchOf));
  const matched = samePath.find((c) => c.issue.keyword !== 'type' && c.issue.schemaPath !== undefined && !typed.has(branchOf(c)));
  if (matched !== undefined) return matched;
  // A type error from one branch of a union: merge the sibling branches' types at the same path.
  const types = candidates
    .filter((c) => c.issue.keyword === 'type' && c.issue.instancePath === best.issue.instancePath)
    .flatMap((c) => {
      const t = c.issue.params.type;
      return Array.isArray(t) ? t.map(String) : [String(t)];
    });
  return { ...best, issue: { ...best.issue, params: { ...best.issue.params, type: types } } };
}

/** Patterns whose regex means little to a user, explained in words. */
const PATTERN_HINTS: Record<string, string> = {
  '^[a-z0-9][a-z0-9_-]*$': 'must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit',
  '^[a-zA-Z0-9][a-zA-Z0-9_.-]+$': 'must be at least two characters of letters, digits, dots, dashes and underscores, starting with a letter or digit',
};

export function describeIssue(issue: SchemaIssue, path: KeyPath): string {
  const where = formatKeyPath(path) || '(root)';
  const p = issue.params;
  switch (issue.keyword) {
    case 'additionalProperties':
      return `${where}: additional property "${String(p.additionalProperty)}" is not allowed`;
    case 'type': {
      const t = p.type;
      return `${where} must be ${typePhrase(Array.isArray(t) ? t.map(String) : [String(t)])}`;
    }
    case 'enum':
      return `${where} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'required':
      return `${where} requires "${String(p.missingProperty)}"`;
    case 'pattern':
      return `${where} ${PATTERN_HINTS[String(p.pattern)] ?? `must match ${String(p.pattern)}`}`;
    case 'uniqueItems':
      return `${where} must not contain duplicate items (items ${String(p.j)} and ${String(p.i)} are identical)`;
    case 'minimum':
    case 'maximum':
      return `${where} must be ${String(p.comparison)} ${String(p.limit)}`;
    default:
      return `${where} ${issue.message ?? `fails ${issue.keyword}`}`;
  }
}

/** The position of a key path, or of its nearest ancestor the locator knows. */
export function locateNearest(locator: Locator, path: KeyPath): SourcePosition | undefined {
  for (let n = path.length; n >= 0; n--) {
    const pos = locator.locate(path.slice(0, n));
    if (pos !== undefined) return pos;
  }
  return undefined;
}

/** Throws one ComposeError for the most specific schema violation, if any. */
export function validateSchema(tree: Record<string, unknown>, locator: Locator): void {
  const validate = schemaValidator();
  if (validate(tree)) return;
  const best = mostSpecific(tree, validate.errors ?? []);
  if (best === undefined) throw new ComposeError('schema', 'compose file does not match the Compose schema');
  const position = locateNearest(locator, best.subject);
  throw new ComposeError('schema', describeIssue(best.issue, best.path), { position, keyPath: best.subject });
}
