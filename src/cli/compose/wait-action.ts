import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { planDown } from '../../plan/lifecycle.js';
import { composeContext, observeProject, runPlan } from './context.js';

// The implementation of `berth wait`, loaded by its action on first use (flags in wait.ts).

export async function runWait(services: string[], flags: { downProject?: boolean }, cmd: Command): Promise<number> {
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  const observed = await observeProject(ctx);
  const targets = observed.containers.filter((c) => services.includes(c.service) && !c.oneoff);
  if (targets.length === 0) throw new BerthError('not_found', `no containers for services ${services.join(', ')}`);
  const codes = targets.map((c) => ctx.api.containers.wait(c.id).then((code) => ({ c, code })));
  const first = await Promise.race(codes);
  if (flags.downProject) {
    await runPlan(ctx, planDown(ctx.project, await observeProject(ctx), { volumes: false, removeOrphans: false }));
    process.stdout.write(`${first.code}\n`);
    return first.code;
  }
  const all = await Promise.all(codes);
  for (const r of all) process.stdout.write(`${r.code}\n`);
  return first.code;
}
