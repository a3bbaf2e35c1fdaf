import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';
import { forEachTarget } from '../for-each-target.js';

// `berth rmi [-f] IMAGE...` / `berth image rm`: untag, and delete images left without tags.
export function defineRmi(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Remove one or more images')
    .argument('<image...>')
    .option('-f, --force', 'force removal of the image')
    .option('--no-prune', 'do not delete untagged parents')
    .action(
      action(async (refs: string[], o: { force?: boolean; prune: boolean }, cmd: Command) => {
        const images = await imagesFor(cmd);
        return forEachTarget(
          refs,
          (ref) => images.remove(ref, { force: o.force === true, noPrune: !o.prune }),
          (_ref, removed) => {
            for (const item of removed) {
              if (item.Untagged !== undefined) process.stdout.write(`Untagged: ${item.Untagged}\n`);
              if (item.Deleted !== undefined) process.stdout.write(`Deleted: ${item.Deleted}\n`);
            }
          },
        );
      }),
    );
}
