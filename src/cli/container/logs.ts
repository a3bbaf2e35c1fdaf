import type { Command } from 'commander';
import { action } from '../command-adapter.js';
import { engineFor } from '../engine.js';
import type { Frame } from '../../client/stream-frames.js';

// `berth container logs`: the engine's logs endpoint, demultiplexed unless the container
// has a TTY.
export function registerLogs(group: Command): void {
  group
    .command('logs')
    .description('Fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <n>', 'number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'show logs since timestamp or relative (e.g. 42m)')
    .option('--until <time>', 'show logs before a timestamp or relative (e.g. 42m)')
    .action(
      action(async (id: string, opts: { follow?: boolean; tail: string; timestamps?: boolean; since?: string; until?: string }, cmd: Command) => {
        const client = await engineFor(cmd);
        const info = await client.request<{ Config: { Tty: boolean } }>('GET', `/containers/${encodeURIComponent(id)}/json`);
        const res = await client.stream('GET', `/containers/${encodeURIComponent(id)}/logs`, {
          query: { stdout: 1, stderr: 1, follow: opts.follow === true, tail: opts.tail, timestamps: opts.timestamps === true, since: opts.since, until: opts.until },
        });
        const { FrameDecoder } = await import('../../client/stream-frames.js');
        await new Promise<void>((resolve, reject) => {
          if (info.Config.Tty) {
            res.on('data', (chunk: Buffer) => process.stdout.write(chunk));
          } else {
            const decoder = new FrameDecoder();
            decoder.on('data', (f: Frame) => (f.stream === 'stderr' ? process.stderr : process.stdout).write(f.data));
            res.pipe(decoder);
          }
          res.on('end', resolve);
          res.on('error', reject);
        });
      }),
    );
}
