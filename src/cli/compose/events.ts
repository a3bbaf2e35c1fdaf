import type { Command } from 'commander';
import { Labels, projectFilter } from '../../plan/labels.js';
import { action } from '../command-adapter.js';
import { composeContext } from './context.js';
import { Interrupts } from './interrupt.js';

// `berth events`: the project's container events, live, as text or JSON lines.
export function registerEvents(parent: Command): void {
  parent
    .command('events')
    .description('Receive real time events from containers')
    .argument('[services...]')
    .option('--json', 'output events as a stream of json objects')
    .action(action(async (services: string[], flags: { json?: boolean }, cmd: Command) => {
      const ctx = await composeContext(cmd, { projectOptional: true });
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
    }));
}
