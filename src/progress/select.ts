import type { ProgressSink } from './events.js';
import { JsonProgress } from './json.js';
import { PlainProgress } from './plain.js';
import { QuietProgress } from './quiet.js';

/**
 * --progress auto|tty|plain|json|quiet → a renderer; auto picks tty only on a TTY stderr.
 * The tty renderer (listr2) is imported only when used, to keep the CLI's start short.
 */
export async function progressFor(mode: string | undefined, ansi?: string): Promise<ProgressSink> {
  const tty = process.stderr.isTTY === true && ansi !== 'never';
  switch (mode) {
    case 'plain':
      return new PlainProgress();
    case 'json':
      return new JsonProgress();
    case 'quiet':
      return new QuietProgress();
    case 'tty':
      return new (await import('./tty.js')).TtyProgress();
    default:
      return tty ? new (await import('./tty.js')).TtyProgress() : new PlainProgress();
  }
}
