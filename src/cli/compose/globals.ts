import type { Command } from 'commander';
import { globalsOf, type GlobalOptions } from '../command-adapter.js';

// Kept apart from context.ts (which loads the compose pipeline and the planner) for the
// commands that need only the flags, such as `berth ls`.

/**
 * The global flags, where those given to `berth compose` (the group) win over the root's
 * defaults: commander's optsWithGlobals lets the root's default values override.
 */
export function composeGlobals(cmd: Command): GlobalOptions {
  const globals: Record<string, unknown> = { ...globalsOf(cmd) };
  for (let c: Command | null = cmd; c; c = c.parent) {
    if (c.name() !== 'compose' || !c.parent) continue;
    for (const [key, value] of Object.entries(c.opts())) {
      if (value !== undefined && c.getOptionValueSource(key) === 'cli') globals[key] = value;
    }
  }
  return globals as GlobalOptions;
}
