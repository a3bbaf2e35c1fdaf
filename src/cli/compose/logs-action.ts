import { compareNames } from '../../plan/compare-names.js';
import type { Command } from 'commander';
import { composeContext, observeProject } from './context.js';
import { followLogs } from './log-follow.js';
import { LogPrinter, logPrefix, useColor } from './log-printer.js';
import { Interrupts } from './interrupt.js';
import { toEngineTime, type LogsFlags } from './logs.js';
import { replicaIndex } from './options.js';

// The implementation of `berth logs`, loaded by its action on first use (flags in logs.ts).

export async function runLogs(services: string[], flags: LogsFlags, cmd: Command): Promise<number> {
  const index = flags.index === undefined ? undefined : replicaIndex(flags.index);
  // Named services must be the project's (and their profiles come on), as in docker compose.
  const ctx = await composeContext(cmd, { services, projectOptional: true });
  const observed = await observeProject(ctx);
  const containers = observed.containers
    .filter((c) => !services.length || services.includes(c.service))
    .filter((c) => index === undefined || c.number === index)
    .sort((a, b) => compareNames(a.service, b.service) || a.number - b.number);
  const printer = new LogPrinter({ color: useColor(ctx.globals.ansi, flags.color === false), prefix: flags.logPrefix !== false });
  const interrupts = new Interrupts();
  try {
    const prefixes = containers.map((c) => logPrefix(c.service, c.number, c.name, c.oneoff));
    for (const p of prefixes) printer.add(p);
    await Promise.all(
      containers.map((c, i) =>
        followLogs(ctx.api, c.id, prefixes[i] ?? c.name, printer, {
          follow: flags.follow === true,
          ...(flags.tail !== undefined && flags.tail !== 'all' ? { tail: flags.tail } : {}),
          ...(flags.timestamps ? { timestamps: true } : {}),
          ...(flags.since ? { since: toEngineTime(flags.since) } : {}),
          ...(flags.until ? { until: toEngineTime(flags.until) } : {}),
          signal: interrupts.graceful.signal,
        }),
      ),
    );
  } finally {
    interrupts.dispose();
  }
  return 0;
}
