import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node as YamlNode, ParsedNode, Scalar, ScalarTag, Tags } from 'yaml';
import { ComposeError, formatKeyPath, type KeyPath, type SourcePosition } from './errors.js';
import { setPosition } from './positions.js';
import { parseYaml11Octal, YAML11_OCTAL } from './yaml-octal.js';

// The exact, slower reading of compose YAML (the `yaml` package's document model): the
// same plain tree load.ts produces, with the source position of every entry recorded
// beside it (positions.ts). load.ts reads files with the fast parser and turns to this
// one only when a position or an error message is needed. Anchors, aliases and `<<`
// merge keys (YAML 1.1 merge) are resolved; duplicate keys are errors; `!reset` and
// `!override` are recorded as tag paths.

export type TagKind = 'reset' | 'override';

export interface TaggedPath {
  path: KeyPath;
  tag: TagKind;
}

/** One YAML document of a compose file (a file may hold several, merged in order). */
export interface ParsedDocument {
  file: string;
  tree: Record<string, unknown>;
  tags: TaggedPath[];
}

// This parser is only needed on the error path. `yaml` is CommonJS, so it is required
// synchronously there rather than loaded at every start of the CLI.
const requireCjs = createRequire(import.meta.url);
let loaded: typeof Yaml | undefined;
const Y = (): typeof Yaml => (loaded ??= requireCjs('yaml') as typeof Yaml);

// `0440` is octal as go-yaml reads it (yaml-octal.ts), as in load.ts. Put before the core
// schema's tags, it is tried before the decimal int that would otherwise claim it.
const octalInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: YAML11_OCTAL,
  resolve: (text) => parseYaml11Octal(text),
  // Never chosen to write a number: this parser only reads.
  identify: () => false,
};
const customTags = (tags: Tags): Tags => [octalInt, ...tags];

/** Upper bound on nodes produced while expanding aliases (a "billion laughs" guard). */
const MAX_NODES = 2_000_000;

class Walker {
  readonly tags: TaggedPath[] = [];
  private produced = 0;
  private readonly expanding = new Set<YamlNode>();
  /** Key path of the node being read; one mutable stack, copied only when kept. */
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  pos(node: YamlNode | null | undefined): SourcePosition | undefined {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  fail(kind: 'yaml_syntax' | 'duplicate_key', message: string, node: YamlNode | null | undefined, path: KeyPath = [...this.path]): never {
    const where = path.length > 0 ? `${formatKeyPath(path)}: ` : '';
    throw new ComposeError(kind, `${where}${message}`, { position: this.pos(node) ?? { file: this.file, line: 1, col: 1 }, keyPath: path });
  }

  value(node: YamlNode | null | undefined): unknown {
    if (node === null || node === undefined) return null;
    if (++this.produced > MAX_NODES) this.fail('yaml_syntax', 'document expands to too many nodes (alias bomb?)', node);
    if (Y().isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.fail('yaml_syntax', `unknown alias *${node.source}`, node);
      if (this.expanding.has(target)) this.fail('yaml_syntax', `alias *${node.source} refers to itself`, node);
      this.expanding.add(target);
      try {
        return this.value(target);
      } finally {
        this.expanding.delete(target);
      }
    }
    if (Y().isScalar(node)) return scalarValue(node);
    if (Y().isSeq(node)) {
      const out: unknown[] = [];
      for (const item of node.items) {
        const child = item as YamlNode | null;
        // A `!reset` entry of a sequence is dropped, as load.ts does.
        if (this.tagOf(child) === '!reset') continue;
        const i = out.length;
        this.path.push(i);
        out.push(this.value(child));
        this.path.pop();
        setPosition(out, i, this.pos(child) ?? this.pos(node));
      }
      return out;
    }
    if (Y().isMap(node)) return this.mapping(node);
    return this.fail('yaml_syntax', 'unsupported YAML node', node);
  }

  private mapping(node: YamlNode): Record<string, unknown> {
    if (!Y().isMap(node)) return {};
    const out: Record<string, unknown> = {};
    const merges: YamlNode[] = [];
    /** Keys written here, even those dropped by !reset: a `<<` source cannot give them. */
    const claimed = new Set<string>();
    for (const pair of node.items) {
      const keyNode = (Y().isAlias(pair.key) ? pair.key.resolve(this.doc) : pair.key) as YamlNode | null;
      const valueNode = pair.value as YamlNode | null;
      if (Y().isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        if (valueNode) merges.push(valueNode);
        continue;
      }
      if (!Y().isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object' || keyNode.tag === '!reset' || keyNode.tag === '!override') {
        this.fail('yaml_syntax', 'mapping keys must be plain scalars', (pair.key as YamlNode | null) ?? node);
      }
      const key = String(keyNode.value);
      if (Object.prototype.hasOwnProperty.call(out, key) || this.resetHere(key)) {
        this.fail('duplicate_key', `duplicate key "${key}"`, pair.key as YamlNode);
      }
      claimed.add(key);
      const tag = this.tagOf(valueNode);
      if (tag === '!reset') {
        this.tags.push({ path: [...this.path, key], tag: 'reset' });
        continue;
      }
      if (tag === '!override') this.tags.push({ path: [...this.path, key], tag: 'override' });
      const scalarValue = valueNode === null || Y().isScalar(valueNode);
      const where = scalarValue && valueNode ? this.pos(valueNode) : this.pos(pair.key as YamlNode);
      this.path.push(key);
      out[key] = this.value(valueNode);
      this.path.pop();
      setPosition(out, key, where);
    }
    // `<<` merge: keys written in the mapping win; among several sources the first wins.
    for (const source of merges) this.merge(out, source, claimed);
    return out;
  }

  private merge(out: Record<string, unknown>, source: YamlNode, claimed: Set<string>): void {
    const resolved = Y().isAlias(source) ? source.resolve(this.doc) : source;
    if (Y().isSeq(resolved)) {
      for (const item of resolved.items) this.merge(out, item as YamlNode, claimed);
      return;
    }
    if (!Y().isMap(resolved)) this.fail('yaml_syntax', 'merge key "<<" needs a mapping or a list of mappings', source);
    const before = this.tags.length;
    const value = this.value(source) as Record<string, unknown>;
    // The source's tags were recorded at this mapping's path; like its values, they count
    // only for the keys it gives (js-yaml copies an entry, tag and all, or not at all).
    const depth = this.path.length;
    const given = new Set(Object.keys(value).filter((k) => !claimed.has(k)));
    for (const t of this.tags.splice(before)) {
      const k = String(t.path[depth]);
      if (claimed.has(k)) continue;
      given.add(k);
      this.tags.push(t);
    }
    for (const k of given) {
      claimed.add(k);
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      out[k] = value[k];
      setPosition(out, k, this.pos(source));
    }
  }

  /**
   * The tag of a node, or of the anchored node an alias names: an alias carries its
   * anchor's !reset / !override, as in compose-go's reset processing and in load.ts (where
   * js-yaml hands out the anchored value itself).
   */
  private tagOf(node: YamlNode | null | undefined): string | undefined {
    if (node && Y().isAlias(node)) return node.resolve(this.doc)?.tag;
    return node?.tag;
  }

  /** A key written with !reset earlier in this same mapping (so absent from it) is still a duplicate. */
  private resetHere(key: string): boolean {
    if (this.tags.length === 0) return false;
    const wanted = formatKeyPath([...this.path, key]);
    return this.tags.some((t) => t.tag === 'reset' && formatKeyPath(t.path) === wanted);
  }
}

/**
 * Tags in one canonical order. They are a set (merge.ts removes each path, in any order),
 * but the two parsers meet them in different orders (js-yaml places `<<` entries where the
 * `<<` is written, this walker after the mapping's own), and their outputs must be equal.
 */
export function sortTags(tags: TaggedPath[]): TaggedPath[] {
  const keyed = tags.map((t) => ({ t, k: JSON.stringify(t.path) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((e) => e.t);
}

function scalarValue(node: Scalar): unknown {
  // An unknown tag (our !override) leaves the text unresolved: read it as untagged YAML.
  if (node.tag === '!override' && node.type === 'PLAIN' && typeof node.source === 'string') return Y().parse(node.source, { customTags }) as unknown;
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function syntaxError(file: string, err: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): ComposeError {
  const first = err.message.split('\n')[0] ?? err.message;
  const message = first.replace(/ at line \d+, column \d+:?$/, '');
  const at = err.linePos?.[0];
  return new ComposeError('yaml_syntax', message, { position: { file, line: at?.line ?? 1, col: at?.col ?? 1 } });
}

/** Parse compose YAML text with positions; `file` names it in positions and errors. */
export function parseWithPositions(text: string, file: string): ParsedDocument[] {
  const lines = new (Y().LineCounter)();
  const docs = Y().parseAllDocuments(text, { merge: true, uniqueKeys: false, lineCounter: lines, prettyErrors: true, customTags });
  if (!Array.isArray(docs)) return [];
  const out: ParsedDocument[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw syntaxError(file, error as unknown as Parameters<typeof syntaxError>[1]);
    const contents = doc.contents as ParsedNode | null;
    if (contents === null || (Y().isScalar(contents) && contents.value === null)) continue;
    const walker = new Walker(file, doc, lines);
    if (!Y().isMap(contents) && !Y().isAlias(contents)) {
      throw new ComposeError('schema', 'top-level object must be a mapping', { position: walker.pos(contents) ?? { file, line: 1, col: 1 } });
    }
    const tree = walker.value(contents);
    if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
      throw new ComposeError('schema', 'top-level object must be a mapping', { position: walker.pos(contents) ?? { file, line: 1, col: 1 } });
    }
    out.push({ file, tree: tree as Record<string, unknown>, tags: sortTags(walker.tags) });
  }
  return out;
}
