import type { Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth logs`: the project's container output with `service-1  |` prefixes.

export interface LogsFlags {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  color?: boolean;
  logPrefix?: boolean;
  index?: string;
}

export function registerLogs(parent: Command): void {
  parent
    .command('logs')
    .description('View output from containers')
    .argument('[services...]')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <lines>', 'number of lines to show from the end of the logs for each container', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)')
    .option('--until <time>', 'show logs before a timestamp or relative time')
    .option('--no-color', 'produce monochrome output')
    .option('--no-log-prefix', "don't print prefix in logs")
    .option('--index <n>', 'index of the container if service has multiple replicas')
    .action(action(async (services: string[], flags: LogsFlags, cmd: Command) => (await import('./logs-action.js')).runLogs(services, flags, cmd)));
}

/** RFC 3339 or a relative duration ("42m", "1h30m") → unix seconds, as the API wants. */
export function toEngineTime(value: string): string {
  const rel = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  if (rel) {
    const mult = rel[2] === 'h' ? 3600 : rel[2] === 'm' ? 60 : 1;
    return String(Math.floor(Date.now() / 1000 - Number(rel[1]) * mult));
  }
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : String(Math.floor(t / 1000));
}
