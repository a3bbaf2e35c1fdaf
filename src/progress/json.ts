import type { Writable } from 'node:stream';
import type { ProgressEvent, ProgressSink } from './events.js';

// --progress json: one JSON object per line on stderr, for tools.
export class JsonProgress implements ProgressSink {
  constructor(private readonly out: Writable = process.stderr) {}

  emit(e: ProgressEvent): void {
    this.out.write(`${JSON.stringify({ id: `${e.type} ${e.name}`, type: e.type, name: e.name, status: e.status, done: e.done, ...(e.detail ? { text: e.detail } : {}), time: new Date().toISOString() })}\n`);
  }

  note(message: string): void {
    this.out.write(`${JSON.stringify({ level: 'warning', msg: message, time: new Date().toISOString() })}\n`);
  }

  async close(): Promise<void> {}
}
