import { ComposeError } from './errors.js';

// Splits a command string into words the way a POSIX shell tokenizes it (no expansion):
// `command: echo "a b" 'c d' e\ f` → ["echo", "a b", "c d", "e f"]. Compose does this for
// string forms of command, entrypoint and healthcheck-free fields; the exec form skips it.

const SPACE = new Set([' ', '\t', '\n', '\r']);
/** Inside double quotes a backslash escapes only these (POSIX). */
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

export function shellSplit(input: string): string[] {
  const words: string[] = [];
  let word = '';
  // Distinguishes "no word yet" from an empty quoted word such as "".
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (SPACE.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      const next = input[i + 1];
      if (next === undefined) {
        word += '\\';
        inWord = true;
      } else if (next !== '\n') {
        // A backslash-newline is a line continuation and disappears.
        word += next;
        inWord = true;
      }
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ComposeError('invalid_value', `unterminated single quote in ${JSON.stringify(input)}`);
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        const d = input[i];
        if (d === undefined) throw new ComposeError('invalid_value', `unterminated double quote in ${JSON.stringify(input)}`);
        if (d === '"') break;
        const next = input[i + 1];
        if (d === '\\' && next !== undefined && DQ_ESCAPABLE.has(next)) {
          if (next !== '\n') word += next;
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
