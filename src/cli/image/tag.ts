import type { Command } from 'commander';
import { connectEngine } from '../../client/connect.js';
import { ImagesClient } from '../../client/images.js';
import { action, globalsOf } from '../command-adapter.js';

// `berth tag SOURCE[:TAG] TARGET[:TAG]`
export function defineTag(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>')
    .argument('<target>')
    .action(
      action(async (source: string, target: string, _o: unknown, cmd: Command) => {
        const images = new ImagesClient(await connectEngine(globalsOf(cmd)));
        await images.tag(source, target);
      }),
    );
}
