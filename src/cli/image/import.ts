import { createReadStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';

// `berth import FILE|- [REPOSITORY[:TAG]]`: a root filesystem tarball becomes an image.
export function defineImport(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('<file>', 'tarball (plain or gzip), or - for stdin')
    .argument('[reference]', 'REPOSITORY[:TAG] for the new image')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction to the created image (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('-m, --message <message>', 'set a commit message for the imported image')
    .action(
      action(async (file: string, reference: string | undefined, o: { change: string[]; message?: string }, cmd: Command) => {
        if (/^[a-z]+:\/\//i.test(file)) throw new BerthError('usage', `importing from a URL is not supported: ${file}`);
        if (file !== '-' && !existsSync(file)) throw new BerthError('invalid', `open ${file}: no such file`);
        const images = await imagesFor(cmd);
        const source = file === '-' ? process.stdin : createReadStream(file);
        const id = await images.import(source, {
          ...(reference ? { ref: reference } : {}),
          changes: o.change,
          ...(o.message ? { message: o.message } : {}),
        });
        process.stdout.write(`${id}\n`);
      }),
    );
}
