import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth pause` and `berth unpause`.
export function registerPause(parent: Command): void {
  parent
    .command('pause')
    .description('Pause services')
    .argument('[services...]')
    .action(action(async (services: string[], _flags: object, cmd: Command) => {
      const [{ runLifecycle }, { planSimple }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (_project, observed) => planSimple(observed, { services }, 'PauseContainer'));
    }));
  parent
    .command('unpause')
    .description('Unpause services')
    .argument('[services...]')
    .action(action(async (services: string[], _flags: object, cmd: Command) => {
      const [{ runLifecycle }, { planSimple }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (_project, observed) => planSimple(observed, { services }, 'UnpauseContainer'));
    }));
}
