import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';
import { collect } from './options.js';

// `berth create`: `up --no-start`.
export interface CreateFlags {
  forceRecreate?: boolean;
  recreate?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  pull?: 'always' | 'missing' | 'never';
}

export function registerCreate(parent: Command): void {
  parent
    .command('create')
    .description('Creates containers for a service')
    .argument('[services...]')
    .option('--force-recreate', 'recreate containers even if their configuration has not changed')
    .option('--no-recreate', "if containers already exist, don't recreate them")
    .option('--remove-orphans', 'remove containers for services not defined in the compose file')
    .option('--scale <service=num>', 'scale SERVICE to NUM instances', collect)
    .option('--no-build', "don't build an image, even if it's missing")
    .addOption(new Option('--pull <policy>', 'pull image before running').choices(['always', 'missing', 'never']))
    .action(action(async (services: string[], flags: CreateFlags, cmd: Command) => (await import('./create-action.js')).runCreate(services, flags, cmd)));
}
