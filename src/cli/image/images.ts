import type { Command } from 'commander';
import type { ImageSummaryWire } from '../../client/images.js';
import { action } from '../command-adapter.js';
import { imagesFor } from '../engine.js';
import { humanDuration, humanSize, renderTable } from '../table.js';
import { parseFilterFlags } from '../flag-values.js';
import { renderTemplate, shortImageId } from './format.js';

// `berth images [REPOSITORY[:TAG]]` / `berth image ls`: one row per tag, as Docker prints it.

interface ListOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc: boolean;
  filter: string[];
  format?: string;
}

/** A row of `docker images`, with the field names Docker's --format uses. */
export interface ImageRow {
  ID: string;
  Repository: string;
  Tag: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  VirtualSize: string;
  SharedSize: string;
  UniqueSize: string;
  Containers: string;
}

export function defineImagesList(parent: Command, name: string): Command {
  return parent
    .command(name)
    .description('List images')
    .argument('[reference]', 'only images matching REPOSITORY[:TAG]')
    .option('-a, --all', 'show all images (default hides intermediate images)')
    .option('-q, --quiet', 'only show image IDs')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate output")
    .option('-f, --filter <filter>', 'filter output based on conditions provided (dangling, label, reference)', (v: string, p: string[]) => [...p, v], [])
    .option('--format <format>', "'table', 'json' or a {{.Field}} template")
    .action(
      action(async (reference: string | undefined, o: ListOptions, cmd: Command) => {
        const images = await imagesFor(cmd);
        const filters = parseFilterFlags(o.filter);
        if (reference) (filters.reference ??= []).push(reference);
        const list = await images.list({ all: o.all === true, filters });
        const rows = toRows(list, o.trunc, Date.now());
        if (o.quiet) {
          process.stdout.write([...new Set(rows.map((r) => r.ID))].map((id) => `${id}\n`).join(''));
          return;
        }
        process.stdout.write(render(rows, o));
      }),
    );
}

export function toRows(list: ImageSummaryWire[], trunc: boolean, now: number): ImageRow[] {
  const sorted = [...list].sort((a, b) => b.Created - a.Created);
  return sorted.flatMap((image) => {
    const tags = image.RepoTags.filter((t) => t !== '<none>:<none>');
    const digest = image.RepoDigests.find((d) => d !== '<none>@<none>')?.split('@')[1] ?? '<none>';
    const base = {
      ID: trunc ? shortImageId(image.Id) : image.Id,
      Digest: digest,
      CreatedSince: `${humanDuration(Math.max(0, now / 1000 - image.Created))} ago`,
      CreatedAt: new Date(image.Created * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
      Size: humanSize(image.Size),
      VirtualSize: humanSize(image.VirtualSize),
      SharedSize: image.SharedSize < 0 ? 'N/A' : humanSize(image.SharedSize),
      UniqueSize: 'N/A',
      Containers: image.Containers < 0 ? 'N/A' : String(image.Containers),
    };
    if (tags.length === 0) return [{ ...base, Repository: '<none>', Tag: '<none>' }];
    return tags.map((t) => {
      const colon = t.lastIndexOf(':');
      return { ...base, Repository: t.slice(0, colon), Tag: t.slice(colon + 1) };
    });
  });
}

function render(rows: ImageRow[], o: ListOptions): string {
  const format = o.format ?? 'table';
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (format !== 'table') return rows.map((r) => `${renderTemplate(format.replace(/^table\s+/, ''), r)}\n`).join('');
  const headers = ['REPOSITORY', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  return renderTable(
    headers,
    rows.map((r) => [r.Repository, r.Tag, ...(o.digests ? [r.Digest] : []), r.ID, r.CreatedSince, r.Size]),
  );
}
