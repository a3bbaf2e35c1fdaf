import { describe, expect, it } from 'vitest';
import { probeOf } from '../../../src/engine/health/health-config.js';
import { applyResult } from '../../../src/engine/health/health-monitor.js';
import type { HealthState } from '../../../src/engine/containers/model.js';
import { nextBackoff, restartOnDaemonStart, shouldRestart } from '../../../src/engine/containers/restart-policy.js';

const facts = (exitCode: number, restartCount = 0, manuallyStopped = false) => ({ exitCode, restartCount, manuallyStopped });

describe('restart policy', () => {
  it("follows Docker's policies", () => {
    expect(shouldRestart({ Name: 'no', MaximumRetryCount: 0 }, facts(1))).toBe(false);
    expect(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, facts(0))).toBe(true);
    expect(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, facts(0, 0, true))).toBe(false);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, facts(0))).toBe(false);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, facts(1, 1))).toBe(true);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, facts(1, 2))).toBe(false);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, facts(1, 99))).toBe(true);
    expect(restartOnDaemonStart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, true)).toBe(false);
    expect(restartOnDaemonStart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, false)).toBe(true);
  });

  it('backs off from 100 ms, doubling, reset after 10 s of running', () => {
    expect(nextBackoff(0, 0)).toBe(100);
    expect(nextBackoff(100, 50)).toBe(200);
    expect(nextBackoff(200, 50)).toBe(400);
    expect(nextBackoff(400, 10_000)).toBe(100);
  });
});

describe('health', () => {
  it('reads Docker test forms and defaults', () => {
    expect(probeOf({ Test: ['NONE'] })).toBeUndefined();
    expect(probeOf({ Test: ['CMD-SHELL', 'curl -f x'] })).toMatchObject({ argv: ['/bin/sh', '-c', 'curl -f x'], intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 });
    expect(probeOf({ Test: ['CMD', 'true'], Interval: 2e9, Retries: 5 })).toMatchObject({ argv: ['true'], intervalMs: 2000, retries: 5 });
  });

  const result = (code: number) => ({ Start: '', End: '', ExitCode: code, Output: '' });

  it('moves starting → healthy → unhealthy after `retries` failures and keeps five results', () => {
    const s: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
    expect(applyResult(s, result(0), 2, false)).toBe(true);
    expect(s.Status).toBe('healthy');
    expect(applyResult(s, result(1), 2, false)).toBe(false);
    expect(s).toMatchObject({ Status: 'healthy', FailingStreak: 1 });
    expect(applyResult(s, result(1), 2, false)).toBe(true);
    expect(s).toMatchObject({ Status: 'unhealthy', FailingStreak: 2 });
    for (let i = 0; i < 5; i++) applyResult(s, result(1), 2, false);
    expect(s.Log).toHaveLength(5);
  });

  it('does not count failures while starting inside the start period', () => {
    const s: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
    applyResult(s, result(1), 1, true);
    expect(s).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    applyResult(s, result(1), 1, false);
    expect(s).toMatchObject({ Status: 'unhealthy', FailingStreak: 1 });
  });
});
