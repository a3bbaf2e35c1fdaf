import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth cp SERVICE:SRC DEST` and `berth cp SRC SERVICE:DEST`: files between a service
// container and the host, through the engine's archive endpoints (tar streams); the host
// side is packed/unpacked by tar(1).

export function registerCp(parent: Command): void {
  parent
    .command('cp')
    .description('Copy files/folders between a service container and the local filesystem')
    .argument('<src>')
    .argument('<dest>')
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .option('-a, --archive', 'archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'always follow symbol link in SRC_PATH')
    .action(action(async (src: string, dest: string, flags: { index: string }, cmd: Command) => (await import('./cp-action.js')).runCp(src, dest, flags, cmd)));
}
