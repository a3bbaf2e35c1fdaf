import { type Command, Option } from 'commander';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';
import { humanDuration, humanSize, renderTable } from '../table.js';
import { renderTemplate, shortImageId } from './format.js';

// `berth image history IMAGE`: the build steps, newest first, as Docker prints them.
export function defineHistory(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('Show the history of an image')
    .argument('<image>')
    .option('-q, --quiet', 'only show image IDs')
    .option('--no-trunc', "don't truncate output")
    .option('--human', 'print sizes and dates in human readable format (default true; -H is the global --host here)')
    .addOption(new Option('--no-human').hideHelp())
    .option('--format <format>', "'table', 'json' or a {{.Field}} template")
    .action(
      action(async (ref: string, o: { quiet?: boolean; trunc: boolean; human?: boolean; format?: string }, cmd: Command) => {
        const images = await imagesFor(cmd);
        const steps = await images.history(ref);
        const human = o.human !== false;
        const now = Date.now() / 1000;
        const rows = steps.map((s) => ({
          ID: s.Id === '<missing>' || !o.trunc ? s.Id : shortImageId(s.Id),
          CreatedSince: human ? (s.Created > 0 ? `${humanDuration(Math.max(0, now - s.Created))} ago` : 'N/A') : new Date(s.Created * 1000).toISOString(),
          CreatedBy: o.trunc && s.CreatedBy.length > 45 ? `${s.CreatedBy.slice(0, 44)}…` : s.CreatedBy,
          Size: human ? humanSize(s.Size) : String(s.Size),
          Comment: s.Comment,
        }));
        if (o.quiet) return void process.stdout.write(rows.map((r) => `${r.ID}\n`).join(''));
        if (o.format === 'json') return void process.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        if (o.format && o.format !== 'table') return void process.stdout.write(rows.map((r) => `${renderTemplate(o.format ?? '', r)}\n`).join(''));
        process.stdout.write(renderTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], rows.map((r) => [r.ID, r.CreatedSince, r.CreatedBy, r.Size, r.Comment])));
      }),
    );
}
