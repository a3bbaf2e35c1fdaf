import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth rm`: remove stopped service containers (-s stops them first). Compose asks for
// confirmation without -f; berth never prompts, so -f is accepted and implied.
export function registerRm(parent: Command): void {
  parent
    .command('rm')
    .description('Removes stopped service containers')
    .argument('[services...]')
    .option('-f, --force', "don't ask to confirm removal")
    .option('-s, --stop', 'stop the containers, if required, before removing')
    .option('-v, --volumes', 'remove any anonymous volumes attached to containers')
    .action(action(async (services: string[], flags: { stop?: boolean; volumes?: boolean }, cmd: Command) => {
      const [{ runLifecycle }, { planRemove }] = await Promise.all([import('./lifecycle-command.js'), import('../../plan/lifecycle.js')]);
      return runLifecycle(cmd, services, (project, observed) => planRemove(project, observed, { services }, { stop: flags.stop === true, volumes: flags.volumes === true }));
    }));
}
