import type { Command } from 'commander';
import { Labels, projectFilter } from '../../plan/labels.js';
import { composeContext } from './context.js';
import { Interrupts } from './interrupt.js';

// The implementation of `berth events`, loaded by its action on first use (flags in events.ts).

export async function runEvents(services: string[], flags: { json?: boolean }, cmd: Command): Promise<number> {
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  const interrupts = new Interrupts();
  try {
    for await (const e of ctx.api.events.stream({ filters: { type: ['container'], label: [projectFilter(ctx.projectName)] }, signal: interrupts.graceful.signal })) {
      const attrs = e.Actor.Attributes ?? {};
      const service = attrs[Labels.service] ?? '';
      if (services.length && !services.includes(service)) continue;
      const time = new Date(Math.floor((e.timeNano ?? e.time * 1e9) / 1e6)).toISOString();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ time, type: e.Type, action: e.Action, id: e.Actor.ID, service, attributes: attrs })}\n`);
      } else {
        const extra = Object.entries(attrs).filter(([k]) => !k.startsWith('com.docker.compose.')).map(([k, v]) => `${k}=${v}`).join(', ');
        process.stdout.write(`${time} ${e.Type} ${e.Action} ${e.Actor.ID}${extra ? ` (${extra})` : ''}\n`);
      }
    }
  } finally {
    interrupts.dispose();
  }
  return 0;
}
