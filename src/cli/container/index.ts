import type { Command } from 'commander';
import { entriesFor, type CommandWord, type Named } from '../command-word.js';

// `berth container …`: single containers on the engine, with docker's flags. Like the
// groups (see ../commands.ts), only the subcommand the command line names is loaded;
// all of them, in this order, for help or an unknown word.

interface Subcommand extends Named {
  load: () => Promise<(group: Command) => void>;
}

const subcommands: readonly Subcommand[] = [
  { words: ['run'], load: async () => (await import('./run.js')).registerRun },
  { words: ['create'], load: async () => (await import('./run.js')).registerCreate },
  { words: ['start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause'], load: async () => (await import('./lifecycle.js')).registerLifecycle },
  { words: ['ps', 'ls'], load: async () => (await import('./ps.js')).registerPs },
  { words: ['logs'], load: async () => (await import('./logs.js')).registerLogs },
  { words: ['exec'], load: async () => (await import('./exec.js')).registerExec },
  { words: ['attach'], load: async () => (await import('./attach.js')).registerAttach },
  { words: ['inspect'], load: async () => (await import('./inspect.js')).registerInspect },
  { words: ['top'], load: async () => (await import('./top.js')).registerTop },
];

/** `named`: `container` and what follows it on the command line, when known. */
export async function registerContainerCommands(program: Command, named?: CommandWord): Promise<void> {
  const group = program.command('container').description('Manage single containers (docker container …)');
  const first = named?.rest[0];
  const word = first !== undefined && !first.startsWith('-') ? first : undefined;
  const registers = await Promise.all(entriesFor(subcommands, word).map((s) => s.load()));
  for (const register of registers) register(group);
}
