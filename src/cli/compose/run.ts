import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { collect } from './options.js';

// `berth run SERVICE [COMMAND...]`: a one-off container of a service (dependencies
// started first unless --no-deps), attached, its exit code returned; --rm removes it.
// The implementation is loaded on first use, from run-action.ts.

export interface RunFlags {
  detach?: boolean;
  rm?: boolean;
  env?: string[];
  volume?: string[];
  publish?: string[];
  servicePorts?: boolean;
  deps?: boolean;
  entrypoint?: string;
  tty?: boolean;
  interactive?: boolean;
  useAliases?: boolean;
  name?: string;
  user?: string;
  workdir?: string;
  label?: string[];
}

export function registerRun(parent: Command): void {
  parent
    .command('run')
    .description('Run a one-off command on a service')
    .argument('<service>')
    .argument('[command...]')
    .option('-d, --detach', 'run container in background and print container ID')
    .option('--rm', 'automatically remove the container when it exits')
    .option('-e, --env <KEY=VAL>', 'set environment variables', collect)
    .option('-v, --volume <volume>', 'bind mount a volume', collect)
    .option('-p, --publish <port>', "publish a container's port(s) to the host", collect)
    .option('-l, --label <KEY=VAL>', 'add or override a label', collect)
    .option('--service-ports', "run command with all service's ports enabled and mapped to the host")
    .option('--no-deps', "don't start linked services")
    .option('--entrypoint <cmd>', 'override the entrypoint of the image')
    .option('-i, --interactive', 'keep STDIN open even if not attached (the default)')
    .option('--no-interactive', 'do not attach STDIN')
    .option('-T, --no-tty', 'disable pseudo-TTY allocation (by default a TTY is allocated when stdin is one)')
    .option('--use-aliases', "use the service's network aliases in the network(s) the container connects to")
    .option('--name <name>', 'assign a name to the container')
    .option('-u, --user <user>', 'run as specified username or uid')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .passThroughOptions()
    .action(action(async (service: string, command: string[], flags: RunFlags, cmd: Command) => (await import('./run-action.js')).run(cmd, service, command, flags)));
}
