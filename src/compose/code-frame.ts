import { existsSync, readFileSync } from 'node:fs';
import { ComposeError, isComposeError, type SourcePosition } from './errors.js';
import { sourceTexts } from './sources.js';

// A short code frame under a compose error, for a terminal: two lines of context and a
// caret under the column. The text comes from what the loader read (stdin included) or,
// for other files such as env files, from disk.

function sourceOf(file: string): string | undefined {
  const known = sourceTexts.get(file);
  if (known !== undefined) return known;
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export function codeFrame(position: SourcePosition, text: string, context = 2): string {
  // The newline that ends the file does not start one more line worth showing.
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const first = Math.max(1, position.line - context);
  const last = Math.min(lines.length, position.line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === position.line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === position.line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, position.col - 1))}^`);
  }
  return out.join('\n');
}

/** The error's message followed by a code frame, when its source can be read. */
export function renderWithFrame(err: ComposeError): string {
  const pos = err.position;
  const text = pos ? sourceOf(pos.file) : undefined;
  if (!pos || text === undefined) return err.message;
  return `${err.message}\n${codeFrame(pos, text)}`;
}

/** Attach the framed rendering for the CLI adapter to print (it prints detail.rendered). */
export function attachCodeFrame(err: unknown): unknown {
  if (isComposeError(err) && err.detail) err.detail.rendered = renderWithFrame(err);
  return err;
}
