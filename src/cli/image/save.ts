import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';

// `berth save [-o FILE] IMAGE...`: docker format by default, an OCI layout with --format oci.
export function defineSave(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('<image...>')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .option('--format <format>', 'archive format: docker or oci', 'docker')
    .action(
      action(async (refs: string[], o: { output?: string; format: string }, cmd: Command) => {
        if (o.format !== 'docker' && o.format !== 'oci') throw new BerthError('usage', `--format must be docker or oci, not ${o.format}`);
        if (o.output === undefined && process.stdout.isTTY) throw new BerthError('usage', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
        const images = await imagesFor(cmd);
        const archive = await images.save(refs, o.format);
        if (o.output === undefined) {
          await pipeline(archive, process.stdout);
          return;
        }
        // Written beside the target and renamed, so a failed save leaves no half archive.
        const tmp = `${o.output}.berth-tmp-${process.pid}`;
        try {
          await pipeline(archive, createWriteStream(tmp));
          await rename(tmp, o.output);
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
      }),
    );
}
