import type { HostConfig } from './model.js';

// Docker's restart policies and back-off: the delay starts at 100 ms and doubles with
// each restart; a container that ran for 10 s or more starts the back-off over.

export const BACKOFF_START_MS = 100;
export const BACKOFF_RESET_AFTER_MS = 10_000;
const BACKOFF_MAX_MS = 60_000;

export interface ExitFacts {
  exitCode: number;
  restartCount: number;
  manuallyStopped: boolean;
}

export function shouldRestart(policy: HostConfig['RestartPolicy'], facts: ExitFacts): boolean {
  if (facts.manuallyStopped) return false;
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return facts.exitCode !== 0 && (policy.MaximumRetryCount === 0 || facts.restartCount < policy.MaximumRetryCount);
    default:
      return false;
  }
}

/** The next delay given the previous one and how long the container ran. */
export function nextBackoff(previousMs: number, ranMs: number): number {
  if (ranMs >= BACKOFF_RESET_AFTER_MS || previousMs === 0) return BACKOFF_START_MS;
  return Math.min(previousMs * 2, BACKOFF_MAX_MS);
}

/** Should this container come back when berthd starts? */
export function restartOnDaemonStart(policy: HostConfig['RestartPolicy'], manuallyStopped: boolean): boolean {
  return policy.Name === 'always' || (policy.Name === 'unless-stopped' && !manuallyStopped);
}
