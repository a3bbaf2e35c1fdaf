import type { Command } from 'commander';
import { planSimple } from '../../plan/lifecycle.js';
import { action } from '../command-adapter.js';
import { runLifecycle } from './lifecycle-command.js';

// `berth pause` and `berth unpause`.
export function registerPause(parent: Command): void {
  parent
    .command('pause')
    .description('Pause services')
    .argument('[services...]')
    .action(action((services: string[], _flags: object, cmd: Command) =>
      runLifecycle(cmd, services, (_project, observed) => planSimple(observed, { services }, 'PauseContainer')),
    ));
  parent
    .command('unpause')
    .description('Unpause services')
    .argument('[services...]')
    .action(action((services: string[], _flags: object, cmd: Command) =>
      runLifecycle(cmd, services, (_project, observed) => planSimple(observed, { services }, 'UnpauseContainer')),
    ));
}
