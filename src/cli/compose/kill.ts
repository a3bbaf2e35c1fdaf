import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth kill`: send a signal (SIGKILL by default) to running containers.
export function registerKill(parent: Command): void {
  parent
    .command('kill')
    .description('Force stop service containers')
    .argument('[services...]')
    .option('-s, --signal <signal>', 'SIGNAL to send to the container', 'SIGKILL')
    .option('--remove-orphans', 'remove containers for services not defined in the compose file')
    .action(action(async (services: string[], flags: { signal: string }, cmd: Command) => {
      const [{ runLifecycle }, { planSimple }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (_project, observed) => planSimple(observed, { services }, 'KillContainer', flags.signal));
    }));
}
