import type { Command } from 'commander';

// Every command group registers itself here. One line per group keeps the list of
// commands visible in one place.
type Register = (program: Command) => void;

const groups: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of groups) register(program);
}
