import type { ProgressEvent, ProgressSink } from './events.js';

// --progress quiet: nothing but errors (which the command reports itself).
export class QuietProgress implements ProgressSink {
  emit(_e: ProgressEvent): void {}
  note(_message: string): void {}
  async close(): Promise<void> {}
}
