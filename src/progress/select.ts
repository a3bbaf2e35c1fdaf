import type { ProgressSink } from './events.js';
import { JsonProgress } from './json.js';
import { PlainProgress } from './plain.js';
import { QuietProgress } from './quiet.js';
import { TtyProgress } from './tty.js';

/** --progress auto|tty|plain|json|quiet → a renderer; auto picks tty only on a TTY stderr. */
export function progressFor(mode: string | undefined, ansi?: string): ProgressSink {
  const tty = process.stderr.isTTY === true && ansi !== 'never';
  switch (mode) {
    case 'plain':
      return new PlainProgress();
    case 'json':
      return new JsonProgress();
    case 'quiet':
      return new QuietProgress();
    case 'tty':
      return new TtyProgress();
    default:
      return tty ? new TtyProgress() : new PlainProgress();
  }
}
