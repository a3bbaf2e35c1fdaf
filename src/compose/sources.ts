import { readFileSync } from 'node:fs';
import { STDIN } from './discover.js';
import { ComposeError } from './errors.js';
import { parseCompose, type ParsedDocument } from './load.js';

// Reading compose files from disk (or stdin for `-f -`) and parsing them. Every
// document of every file comes back in order; their merge happens later.

export const STDIN_NAME = '<stdin>';

/** Source texts read so far, so an error can be shown with a code frame. */
export const sourceTexts = new Map<string, string>();

export function readComposeText(file: string, stdin: string | undefined): string {
  if (file === STDIN) {
    if (stdin === undefined) throw new ComposeError('file_not_found', '-f -: no compose content on standard input');
    sourceTexts.set(STDIN_NAME, stdin);
    return stdin;
  }
  try {
    const text = readFileSync(file, 'utf8');
    sourceTexts.set(file, text);
    return text;
  } catch (err) {
    throw new ComposeError('file_not_found', `${file}: cannot read compose file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

export function parseFiles(files: readonly string[], stdin: string | undefined): ParsedDocument[] {
  return files.flatMap((file) => parseCompose(readComposeText(file, stdin), file === STDIN ? STDIN_NAME : file));
}
