import { BerthError } from '../../errors.js';
import type { ObservedContainer } from '../../plan/observed.js';
import { observeProject, type ComposeContext } from './context.js';

/** The container of a service replica (`--index`, default 1), or a clear error. */
export async function serviceContainer(ctx: ComposeContext, service: string, index = 1, running = true): Promise<ObservedContainer> {
  if (ctx.project && !ctx.project.services[service]) throw new BerthError('not_found', `no such service: ${service}`);
  const observed = await observeProject(ctx);
  const all = observed.containers.filter((c) => c.service === service && !c.oneoff);
  const c = all.find((x) => x.number === index);
  if (!c) throw new BerthError('not_found', `service "${service}" is not running${index !== 1 ? ` (no container with index ${index})` : ''}`);
  if (running && c.state !== 'running') throw new BerthError('failed_precondition', `service "${service}" is not running (container ${c.name} is ${c.state})`);
  return c;
}
