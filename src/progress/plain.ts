import type { Writable } from 'node:stream';
import type { ProgressEvent, ProgressSink } from './events.js';

// Plain lines, as Compose prints them when stderr is not a TTY:
// " Container p-web-1  Started". Errors carry their message.
export class PlainProgress implements ProgressSink {
  constructor(private readonly out: Writable = process.stderr) {}

  emit(e: ProgressEvent): void {
    const detail = e.status === 'Error' && e.detail ? ` ${e.detail}` : '';
    this.out.write(` ${e.type} ${e.name}  ${e.status}${detail}\n`);
  }

  note(message: string): void {
    this.out.write(`WARN[0000] ${message}\n`);
  }

  async close(): Promise<void> {}
}
