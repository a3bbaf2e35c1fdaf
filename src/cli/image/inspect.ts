import type { Command } from 'commander';
import type { ImageInspectWire } from '../../client/images.js';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';
import { selectPath } from '../format-path.js';

// `berth image inspect IMAGE...`: Docker's inspect JSON (or one field with -f {{.Path}}).
export function defineInspect(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Display detailed information on one or more images')
    .argument('<image...>')
    .option('-f, --format <template>', 'format the output using a {{.Path}} template')
    .action(
      action(async (refs: string[], o: { format?: string }, cmd: Command) => {
        const images = await imagesFor(cmd);
        const found: ImageInspectWire[] = [];
        let failed = false;
        for (const ref of refs) {
          try {
            found.push(await images.inspect(ref));
          } catch (err) {
            failed = true;
            process.stderr.write(`Error: ${(err as Error).message}\n`);
          }
        }
        if (o.format && o.format !== 'json') for (const item of found) process.stdout.write(`${selectPath(item, o.format)}\n`);
        else process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
        return failed ? 1 : 0;
      }),
    );
}
