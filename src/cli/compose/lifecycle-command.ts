import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import type { Observed } from '../../plan/observed.js';
import type { Plan } from '../../plan/plan.js';
import type { Project } from '../../compose/model.js';
import { composeContext, observeProject, runPlan, type ComposeContext } from './context.js';

// The shared body of stop / kill / pause / unpause / rm / restart: load, observe, plan,
// execute — with a clear message when the project has no containers.

export async function runLifecycle(
  cmd: Command,
  services: string[],
  build: (project: Project | undefined, observed: Observed, ctx: ComposeContext) => Plan,
): Promise<number> {
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  for (const s of services) {
    if (ctx.project && !ctx.project.services[s]) throw new BerthError('not_found', `no such service: ${s}`);
  }
  const observed = await observeProject(ctx);
  if (observed.containers.length === 0) {
    process.stderr.write(`no container found for project "${ctx.projectName}": is it running?\n`);
    return 0;
  }
  await runPlan(ctx, build(ctx.project, observed, ctx));
  return 0;
}
