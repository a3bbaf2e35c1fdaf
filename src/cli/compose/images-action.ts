import type { Command } from 'commander';
import { imageOf } from '../../plan/container-config.js';
import { isNotFound } from '../../errors.js';
import { renderTable } from '../table.js';
import { composeContext, observeProject } from './context.js';

// The implementation of `berth images`, loaded by its action on first use (flags in images.ts).

export async function runImages(services: string[], flags: { quiet?: boolean; format: string }, cmd: Command): Promise<number> {
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  const observed = await observeProject(ctx);
  const rows: { container: string; repository: string; tag: string; id: string }[] = [];
  for (const c of observed.containers.filter((x) => !services.length || services.includes(x.service))) {
    const svc = ctx.project?.services[c.service];
    const ref = svc ? imageOf(ctx.projectName, c.service, svc) : c.image;
    let id = '';
    try {
      id = (await ctx.api.images.inspect(ref)).Id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const colon = ref.lastIndexOf(':');
    const [repository, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
    rows.push({ container: c.name, repository, tag, id });
  }
  if (flags.quiet) for (const id of new Set(rows.map((r) => r.id))) process.stdout.write(`${id}\n`);
  else if (flags.format === 'json') process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ContainerName: r.container, Repository: r.repository, Tag: r.tag, ID: r.id })))}\n`);
  else process.stdout.write(renderTable(['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID'], rows.map((r) => [r.container, r.repository, r.tag, r.id.replace(/^sha256:/, '').slice(0, 12)])));
  return 0;
}
