import yaml from 'js-yaml';
import { ComposeError } from './errors.js';
import { positionOf, registerOrigin, setPositionIfAbsent } from './positions.js';
import { parseWithPositions, sortTags, type ParsedDocument, type TagKind, type TaggedPath } from './yaml-positions.js';
import { parseYaml11Octal, YAML11_OCTAL } from './yaml-octal.js';

export type { ParsedDocument, TagKind, TaggedPath } from './yaml-positions.js';

// Phase 1: YAML text → plain tree. Reading uses js-yaml (YAML 1.2 core schema plus `<<`
// merge keys), several times faster than a position-keeping parser; positions are worked
// out only when an error needs one, by re-reading that document with the exact parser
// (yaml-positions.ts) and laying its positions onto this tree (positions.ts). Any reading
// error is also reported through the exact parser, so messages and positions are the
// same whichever parser noticed first.
//
// The tree is rebuilt after js-yaml: aliases become copies (later phases mutate in place,
// and a shared object would be interpolated twice), `!reset` entries are dropped and
// `!override` unwrapped, both recorded as tag paths for the merge phase.

// A tagged mapping or sequence stays the object js-yaml built, its tag kept beside it: a
// `<<: *anchor` merge must see the mapping's own entries (as the exact parser merges them),
// not a wrapper's. Only a tagged scalar, which a WeakMap cannot key, is wrapped. An alias
// is the same object or wrapper as its anchor, so it carries the tag as compose-go's
// !reset processing has it (yaml-positions.ts does the same).
const TAGGED = new WeakMap<object, TagKind>();

class TaggedScalar {
  constructor(
    readonly tag: TagKind,
    /** The value: the text re-read as an untagged plain scalar, or (quoted) the text itself. */
    public value: unknown,
    /** The scalar's text, when it had one. */
    readonly text?: string,
  ) {
    // Not enumerable: a scalar is no merge source, and js-yaml merges an object's keys.
    Object.defineProperties(this, { tag: { enumerable: false }, value: { enumerable: false, writable: true }, text: { enumerable: false } });
  }
}

/** From where js-yaml opens a node: its properties (tag, anchor), then an opening quote. */
const QUOTED_NODE = /\s*(?:(?:!\S*|&\S+)\s+)*["']/y;

/**
 * A js-yaml listener that keeps a quoted tagged scalar's text as it is (`!override "12"` is
 * the string "12", as for the exact parser and go-yaml): a tag's construct sees only the
 * text, not whether it was quoted, so the node's start is looked at when it closes.
 */
function quotedScalarsStayText(): (event: yaml.EventType, state: yaml.State) => void {
  const opened: number[] = [];
  return (event, state) => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const start = opened.pop() ?? 0;
    // The non-specific tag `!` makes a node a string (YAML 1.2, as the exact parser reads
    // it): an empty one is "", where js-yaml gives null.
    if ((state as yaml.State & { tag?: string | null }).tag === '!' && state.result === null) state.result = '';
    const result: unknown = state.result;
    if (!(result instanceof TaggedScalar) || result.text === undefined) return;
    QUOTED_NODE.lastIndex = start;
    if (QUOTED_NODE.test(state.input)) result.value = result.text;
  };
}

/** The tag written on a value (or on the anchor an alias names), and the value without it. */
function untag(v: unknown): { tag: TagKind; value: unknown } | undefined {
  if (v instanceof TaggedScalar) return { tag: v.tag, value: v.value };
  const tag = typeof v === 'object' && v !== null ? TAGGED.get(v) : undefined;
  return tag === undefined ? undefined : { tag, value: v };
}

function tagTypes(name: '!reset' | '!override', kind: TagKind): yaml.Type[] {
  return (['scalar', 'sequence', 'mapping'] as const).map(
    (k) =>
      new yaml.Type(name, {
        kind: k,
        resolve: () => true,
        construct: (data: unknown) => {
          if (k === 'scalar') return typeof data === 'string' ? new TaggedScalar(kind, yaml.load(data, { schema: PLAIN_SCHEMA }), data) : new TaggedScalar(kind, data);
          // A tag on an empty node (`x: !override`) arrives here as null, which stays null.
          if (typeof data !== 'object' || data === null) return new TaggedScalar(kind, data);
          TAGGED.set(data, kind);
          return data;
        },
      }),
  );
}

// js-yaml exports its built-in types at runtime; @types/js-yaml does not declare them.
const { merge, int } = (yaml as unknown as { types: { merge: yaml.Type; int: yaml.Type } }).types;

const isOctal = (data: unknown): data is string => typeof data === 'string' && YAML11_OCTAL.test(data);

// The core schema's int, but `0440` is octal as go-yaml reads it (yaml-octal.ts). Same tag
// and kind as the built-in, so js-yaml puts it in the built-in's place in resolution order.
const intWithOctal = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => isOctal(data) || int.resolve(data),
  construct: (data: unknown): unknown => (isOctal(data) ? parseYaml11Octal(data) : int.construct(data)),
  predicate: int.predicate ?? undefined,
  represent: int.represent ?? undefined,
  defaultStyle: int.defaultStyle ?? undefined,
});

/** Untagged scalars as the files' own text reads them (`!override 0440` re-reads its text). */
const PLAIN_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [intWithOctal] });
const SCHEMA = PLAIN_SCHEMA.extend({ implicit: [merge], explicit: [...tagTypes('!reset', 'reset'), ...tagTypes('!override', 'override')] });

/** Upper bound on nodes produced while expanding aliases (a "billion laughs" guard). */
const MAX_NODES = 2_000_000;

const SEP = '\u0000';

class Rebuild {
  readonly tags: TaggedPath[] = [];
  /** Every container produced, by key path: where the exact parser's positions go. */
  readonly containers = new Map<string, object>();
  private produced = 0;
  private readonly active = new Set<object>();
  private readonly path: (string | number)[] = [];

  constructor(private readonly materialize: () => void) {}

  value(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (++this.produced > MAX_NODES || this.active.has(v)) throw new Error('alias expansion');
    this.active.add(v);
    try {
      const out = Array.isArray(v) ? this.sequence(v) : this.mapping(v as Record<string, unknown>);
      this.containers.set(this.path.join(SEP), out);
      return out;
    } finally {
      this.active.delete(v);
    }
  }

  private sequence(v: unknown[]): unknown[] {
    const out: unknown[] = [];
    registerOrigin(out, this.materialize);
    for (let i = 0; i < v.length; i++) {
      let item = v[i];
      const tagged = untag(item);
      if (tagged) {
        if (tagged.tag === 'reset') continue;
        item = tagged.value;
      }
      this.path.push(out.length);
      out.push(this.value(item));
      this.path.pop();
    }
    return out;
  }

  private mapping(v: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    registerOrigin(out, this.materialize);
    for (const key of Object.keys(v)) {
      // js-yaml names a key that is not a scalar (or a tagged one) "[object Object]".
      if (key === '[object Object]') throw new Error('mapping keys must be plain scalars');
      let item = v[key];
      const tagged = untag(item);
      if (tagged) {
        this.tags.push({ path: [...this.path, key], tag: tagged.tag });
        if (tagged.tag === 'reset') continue;
        item = tagged.value;
      }
      this.path.push(key);
      out[key] = this.value(item);
      this.path.pop();
    }
    return out;
  }
}

/**
 * Lay the exact parser's positions onto the containers js-yaml's reading produced, matched
 * by key path (later phases may have moved or replaced them in the tree since).
 */
function transfer(exact: unknown, containers: ReadonlyMap<string, object>, path: string): void {
  if (typeof exact !== 'object' || exact === null) return;
  const fast = containers.get(path);
  const e = exact as Record<string | number, unknown>;
  const keys: (string | number)[] = Array.isArray(exact) ? exact.map((_, i) => i) : Object.keys(exact);
  for (const key of keys) {
    if (fast && Array.isArray(fast) === Array.isArray(exact)) setPositionIfAbsent(fast, key, positionOf(exact, key));
    transfer(e[key], containers, path === '' ? String(key) : `${path}${SEP}${key}`);
  }
}

/** The exact parser's error for this text, or the fast parser's when only it objects. */
function readingError(text: string, file: string, cause: unknown): ComposeError {
  try {
    parseWithPositions(text, file);
  } catch (err) {
    if (err instanceof ComposeError) return err;
    // The exact parser failed otherwise (e.g. nesting too deep for the stack): use js-yaml's report.
  }
  const mark = cause instanceof yaml.YAMLException ? cause.mark : undefined;
  const reason = cause instanceof yaml.YAMLException ? cause.reason : 'cannot read YAML (an alias refers to itself or expands too far)';
  return new ComposeError('yaml_syntax', reason, { position: { file, line: (mark?.line ?? 0) + 1, col: (mark?.column ?? 0) + 1 }, cause });
}

/** Parse compose YAML text; `file` names it in positions and errors. */
export function parseCompose(text: string, file: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  let exact: ParsedDocument[] | undefined;
  try {
    const raw: unknown[] = [];
    yaml.loadAll(text, (doc) => raw.push(doc), { schema: SCHEMA, filename: file, listener: quotedScalarsStayText() });
    for (const doc of raw) {
      if (doc === null || doc === undefined) continue;
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('top-level object must be a mapping');
      const index = out.length;
      let done = false;
      const materialize = (): void => {
        if (done) return;
        done = true;
        try {
          exact ??= parseWithPositions(text, file);
        } catch {
          return; // the exact parser refuses what js-yaml read: positions stay unknown
        }
        const twin = exact[index];
        if (twin) transfer(twin.tree, rebuild.containers, '');
      };
      const rebuild = new Rebuild(materialize);
      const tree = rebuild.value(doc) as Record<string, unknown>;
      out.push({ file, tree, tags: sortTags(rebuild.tags) });
    }
  } catch (err) {
    throw readingError(text, file, err);
  }
  return out;
}
