import type { Writable } from 'node:stream';

// Compose-style log lines: `web-1  | text`, the prefix padded to the widest container
// name and coloured per container, colours cycling in Compose's order. Partial lines are
// held until their newline so lines from different containers never interleave.

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export interface LogPrinterOptions {
  color: boolean;
  prefix: boolean;
  timestamps?: boolean;
  out?: Writable;
}

export class LogPrinter {
  private width = 0;
  private next = 0;
  private readonly colors = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private readonly out: Writable;
  private held: string[] | undefined;

  constructor(private readonly options: LogPrinterOptions) {
    this.out = options.out ?? process.stdout;
  }

  /** Hold output (while a tty progress display owns the screen); release() prints it in order. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const lines = this.held ?? [];
    this.held = undefined;
    for (const l of lines) this.out.write(l);
  }

  private emit(text: string): void {
    if (this.held) this.held.push(text);
    else this.out.write(text);
  }

  /** Register a prefix early so padding is stable from the first line. */
  add(name: string): void {
    this.width = Math.max(this.width, name.length);
    if (!this.colors.has(name)) this.colors.set(name, COLORS[this.next++ % COLORS.length] ?? 36);
  }

  write(name: string, chunk: string): void {
    this.add(name);
    const text = (this.partial.get(name) ?? '') + chunk;
    const lines = text.split('\n');
    this.partial.set(name, lines.pop() ?? '');
    for (const line of lines) this.line(name, line);
  }

  flush(name: string): void {
    const rest = this.partial.get(name);
    if (rest) this.line(name, rest);
    this.partial.delete(name);
  }

  /** A status line about a container (e.g. "exited with code 0"), in its colour. */
  status(name: string, message: string): void {
    this.add(name);
    this.emit(`${this.paint(name, name)} ${message}\n`);
  }

  private line(name: string, text: string): void {
    if (!this.options.prefix) {
      this.emit(`${text}\n`);
      return;
    }
    this.emit(`${this.paint(name, `${name.padEnd(this.width)}  |`)} ${text}\n`);
  }

  private paint(name: string, text: string): string {
    if (!this.options.color) return text;
    return `\x1b[${this.colors.get(name) ?? 36}m${text}\x1b[0m`;
  }
}

/** Whether to colour: --no-color, --ansi never/always, and TTY detection. */
export function useColor(ansi: string | undefined, noColor: boolean | undefined, stream: { isTTY?: boolean } = process.stdout): boolean {
  if (noColor || ansi === 'never' || process.env.NO_COLOR) return false;
  if (ansi === 'always') return true;
  return stream.isTTY === true;
}

/** The prefix Compose shows for a container: `<service>-<n>` (or its name for one-offs). */
export function logPrefix(service: string, number: number, name: string, oneoff: boolean): string {
  return oneoff || !service ? name : `${service}-${number}`;
}
