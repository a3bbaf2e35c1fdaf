import type { Command } from 'commander';
import { registerExec } from './exec.js';
import { registerInspect } from './inspect.js';
import { registerLifecycle } from './lifecycle.js';
import { registerLogs } from './logs.js';
import { registerPs } from './ps.js';
import { registerCreate, registerRun } from './run.js';
import { registerTop } from './top.js';

// `berth container …`: single containers on the engine, with docker's flags.
export function registerContainerCommands(program: Command): void {
  const group = program.command('container').description('Manage single containers (docker container …)');
  registerRun(group);
  registerCreate(group);
  registerLifecycle(group);
  registerPs(group);
  registerLogs(group);
  registerExec(group);
  registerInspect(group);
  registerTop(group);
}
