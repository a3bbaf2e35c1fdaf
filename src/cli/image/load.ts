import { createReadStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';

// `berth load [-i FILE]`: a docker save tarball or an OCI layout archive (from stdin by default).
export function defineLoad(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Load an image from a tar archive or STDIN')
    .option('-i, --input <file>', 'read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'suppress the load output')
    .action(
      action(async (o: { input?: string; quiet?: boolean }, cmd: Command) => {
        if (o.input === undefined && process.stdin.isTTY) throw new BerthError('usage', 'requested load from stdin, but stdin is a terminal: use -i FILE or redirect');
        if (o.input !== undefined && !existsSync(o.input)) throw new BerthError('invalid', `open ${o.input}: no such file`);
        const images = await imagesFor(cmd);
        const messages = await images.load(o.input === undefined ? process.stdin : createReadStream(o.input), { quiet: o.quiet === true });
        if (!o.quiet) process.stdout.write(messages.map((m) => `${m}\n`).join(''));
      }),
    );
}
