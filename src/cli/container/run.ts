import { type Command, Option } from 'commander';
import { action } from '../command-adapter.js';
import { addRunFlags, type RunFlags } from './run-flags.js';

// `berth container run` and `berth container create`, with docker's flags and flow:
// create → attach → start → wait (→ remove with --rm), in run-action.ts, loaded on first use.

export interface RunOptions extends RunFlags {
  detach?: boolean;
  detachKeys?: string;
  /** docker run's --sig-proxy: undefined is its default, true. */
  sigProxy?: boolean;
}

export function registerRun(group: Command): void {
  addRunFlags(
    group
      .command('run')
      .description('Create and run a new container from an image')
      .argument('<image>')
      .argument('[command...]')
      .option('-d, --detach', 'run container in background and print container ID')
      .option('--rm', 'automatically remove the container when it exits')
      .option('--detach-keys <string>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")')
      .option('--sig-proxy', 'proxy received signals to the process (non-TTY only; default true, --sig-proxy=false to keep them)')
      .addOption(new Option('--no-sig-proxy').hideHelp())
      .passThroughOptions(),
  ).action(action(async (image: string, command: string[], opts: RunOptions, cmd: Command) => (await import('./run-action.js')).runContainer(image, command, opts, cmd)));
}

export function registerCreate(group: Command): void {
  addRunFlags(
    group
      .command('create')
      .description('Create a new container')
      .argument('<image>')
      .argument('[command...]')
      .option('--rm', 'automatically remove the container when it exits')
      .passThroughOptions(),
  ).action(action(async (image: string, command: string[], opts: RunFlags, cmd: Command) => (await import('./run-action.js')).createOnly(image, command, opts, cmd)));
}
