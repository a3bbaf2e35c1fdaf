import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerComposeCommands } from './compose/index.js';
import { registerContainerCommands } from './container/index.js';
import { registerImageCommands } from './image/index.js';
import { registerNetworkCommands } from './network/index.js';
import { registerVolumeCommands } from './volume/index.js';

// Every command group registers itself here. One line per group keeps the list of
// commands visible in one place.
type Register = (program: Command) => void;

const groups: Register[] = [registerConfig, registerComposeCommands, registerContainerCommands, registerImageCommands, registerNetworkCommands, registerVolumeCommands];

export function registerCommands(program: Command): void {
  for (const register of groups) register(program);
}
