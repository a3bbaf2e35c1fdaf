import type { Command } from 'commander';
import { registerConfig } from './config.js';

// Every command group registers itself here. One line per group keeps the list of
// commands visible in one place.
type Register = (program: Command) => void;

const groups: Register[] = [registerConfig];

export function registerCommands(program: Command): void {
  for (const register of groups) register(program);
}
