import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { collect } from './options.js';

// `berth exec SERVICE COMMAND...`: run a command in a service's running container.
// A TTY by default when stdin is one (-T disables it); the exit code is the command's.

export interface ExecFlags {
  detach?: boolean;
  noTty?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  index: string;
  privileged?: boolean;
}

export function registerExec(parent: Command): void {
  parent
    .command('exec')
    .description('Execute a command in a running container')
    .argument('<service>')
    .argument('<command...>')
    .option('-d, --detach', 'detached mode: run command in the background')
    .option('-T, --no-tty', 'disable pseudo-TTY allocation (by default a TTY is allocated when stdin is one)')
    .option('-u, --user <user>', 'run the command as this user')
    .option('-w, --workdir <dir>', 'path to workdir directory for this command')
    .option('-e, --env <KEY=VAL>', 'set environment variables', collect)
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .option('--privileged', 'give extended privileges to the process')
    .passThroughOptions()
    .action(action(async (service: string, command: string[], flags: ExecFlags, cmd: Command) => (await import('./exec-action.js')).runExec(service, command, flags, cmd)));
}
