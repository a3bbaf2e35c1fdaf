import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';
import { humanSize } from '../table.js';
import { parseFilterFlags } from '../flag-values.js';

// `berth image prune [-a] [-f]`: remove dangling (or, with -a, all unused) images.
export function definePrune(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Remove unused images')
    .option('-a, --all', 'remove all unused images, not just dangling ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (label=...)', (v: string, p: string[]) => [...p, v], [])
    .action(
      action(async (o: { all?: boolean; force?: boolean; filter: string[] }, cmd: Command) => {
        const what = o.all ? 'all images without at least one container associated to them' : 'all dangling images';
        if (!o.force && !(await confirm(`WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `))) return 0;
        const images = await imagesFor(cmd);
        const filters = parseFilterFlags(o.filter);
        if (o.all) filters.dangling = ['false'];
        const report = await images.prune(filters);
        const lines = (report.ImagesDeleted ?? []).map((d) => (d.Untagged !== undefined ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted ?? ''}`));
        if (lines.length > 0) process.stdout.write(`Deleted Images:\n${lines.join('\n')}\n\n`);
        process.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
      }),
    );
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
