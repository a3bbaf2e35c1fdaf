import { BerthError } from '../../errors.js';

// Docker's detach keys: a sequence typed on an attached TTY (ctrl-p ctrl-q by default,
// --detach-keys to change it) that leaves the container running and ends the command. The
// keys are not sent to the container; bytes that only began the sequence go on once it is
// clear they do not finish it.

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

// ctrl-@ is 0, ctrl-a 1, ... ctrl-z 26, then ctrl-[ ctrl-\ ctrl-] ctrl-^ ctrl-_ (27-31), as docker's.
const CTRL = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'];

/** "ctrl-p,ctrl-q", "a", "ctrl-[": each comma-separated key a character or ctrl-<c>. */
export function parseDetachKeys(spec: string): Buffer {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      bytes.push(key.charCodeAt(0) & 0xff);
      continue;
    }
    const code = key.startsWith('ctrl-') ? CTRL.indexOf(key.slice('ctrl-'.length)) : -1;
    if (code < 0 || key.length !== 'ctrl-'.length + 1) throw new BerthError('usage', `Invalid detach keys (${spec}) provided: unknown character '${key}'`);
    bytes.push(code);
  }
  return Buffer.from(bytes);
}

/**
 * A filter for what is typed: `push(chunk)` returns what goes to the container now, and
 * `detached` is true once the whole sequence was typed (what followed it is dropped).
 */
export class DetachKeysFilter {
  private matched = 0;
  detached = false;

  constructor(private readonly keys: Buffer) {}

  push(chunk: Buffer): Buffer {
    if (this.detached || this.keys.length === 0) return this.detached ? Buffer.alloc(0) : chunk;
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) {
          this.detached = true;
          break;
        }
        continue;
      }
      // Not the sequence after all: what was held goes on, and this byte may start it again.
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i] ?? 0);
      this.matched = byte === this.keys[0] ? 1 : 0;
      if (this.matched === 0) out.push(byte);
    }
    return Buffer.from(out);
  }
}
