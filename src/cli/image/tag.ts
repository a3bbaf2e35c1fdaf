import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';

// `berth tag SOURCE[:TAG] TARGET[:TAG]`
export function defineTag(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>')
    .argument('<target>')
    .action(
      action(async (source: string, target: string, _o: unknown, cmd: Command) => {
        const images = await imagesFor(cmd);
        await images.tag(source, target);
      }),
    );
}
