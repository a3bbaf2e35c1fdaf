import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';
import { collect, valueOption } from './options.js';

// `berth up` (flags here; the implementation, loaded on first use, in up-action.ts):
// observe → reconcile → execute; then, in the foreground, follow the logs
// until every container stops, Ctrl-C (graceful, then forced) or an abort condition.

export interface UpFlags {
  detach?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  forceRecreate?: boolean;
  recreate?: boolean;
  deps?: boolean;
  start?: boolean;
  scale?: string[];
  removeOrphans?: boolean;
  abortOnContainerExit?: boolean;
  abortOnContainerFailure?: boolean;
  exitCodeFrom?: string;
  attach?: string[];
  noAttach?: string[];
  timeout?: string;
  renewAnonVolumes?: boolean;
  pull?: 'always' | 'missing' | 'never';
  color?: boolean;
  logPrefix?: boolean;
  timestamps?: boolean;
  build?: boolean;
  dryRun?: boolean;
}

export function registerUp(parent: Command): void {
  parent
    .command('up')
    .description('Create and start containers')
    .argument('[services...]', 'services to start (and their dependencies)')
    .option('-d, --detach', 'run containers in the background')
    .option('--wait', 'wait for services to be running|healthy (implies --detach)')
    .option('--wait-timeout <seconds>', 'maximum duration to wait for the project to be running|healthy')
    .option('--force-recreate', 'recreate containers even if their configuration has not changed')
    .option('--no-recreate', 'do not recreate containers that exist')
    .option('--no-deps', 'do not start linked services')
    .option('--no-start', 'do not start the services after creating them')
    .option('--scale <service=num>', 'scale SERVICE to NUM instances (overrides scale in the file)', collect)
    .option('--remove-orphans', 'remove containers for services not defined in the compose file')
    .option('--abort-on-container-exit', 'stop all containers if any container was stopped')
    .option('--abort-on-container-failure', 'stop all containers if any container exited with failure')
    .option('--exit-code-from <service>', 'return the exit code of the selected service container (implies --abort-on-container-exit)')
    .option('--attach <service>', 'restrict attaching to the specified services', collect)
    .addOption(valueOption('--no-attach <service>', 'do not attach (stream logs) to the specified services'))
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .option('-V, --renew-anon-volumes', 'recreate anonymous volumes instead of retrieving data from the previous containers')
    .addOption(new Option('--pull <policy>', 'pull image before running').choices(['always', 'missing', 'never']))
    .option('--no-color', 'produce monochrome output')
    .option('--no-log-prefix', 'do not print prefix in logs')
    .option('--timestamps', 'show timestamps')
    .option('--no-build', 'do not build an image, even if it is missing')
    .option('--dry-run', 'print the plan (one engine operation per line) and change nothing')
    .action(action(async (services: string[], flags: UpFlags, cmd: Command) => (await import('./up-action.js')).up(cmd, services, flags)));
}
