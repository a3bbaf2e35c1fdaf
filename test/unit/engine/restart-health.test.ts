import { afterEach, describe, expect, it, vi } from 'vitest';
import { probeOf, type Probe } from '../../../src/engine/health/health-config.js';
import { applyResult, HealthMonitor } from '../../../src/engine/health/health-monitor.js';
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

  describe('first probe', () => {
    afterEach(() => vi.useRealTimers());
    const probe: Probe = { argv: ['true'], intervalMs: 100, timeoutMs: 1000, startPeriodMs: 0, startIntervalMs: 5000, retries: 3 };
    /** ms after the monitor starts at which its first probe runs. */
    const firstProbeAt = async (p: Probe, startedAgoMs: number): Promise<number> => {
      vi.useFakeTimers({ now: 1_000_000 });
      const t0 = Date.now();
      let at = -1;
      const m = new HealthMonitor(p, { Status: 'starting', FailingStreak: 0, Log: [] }, t0 - startedAgoMs, {
        exec: async () => {
          if (at < 0) at = Date.now() - t0;
          return { exitCode: 0, output: '' };
        },
        onResult: () => undefined,
      });
      m.start();
      await vi.advanceTimersByTimeAsync(10_000);
      m.stop();
      return at;
    };

    it('runs one interval after StartedAt, not after the monitor started', async () => {
      expect(await firstProbeAt(probe, 0)).toBe(100);
      expect(await firstProbeAt(probe, 30)).toBe(70);
    });

    it('waits a whole interval when the monitor starts long after the container (berthd re-attached)', async () => {
      expect(await firstProbeAt(probe, 5000)).toBe(100);
    });

    it('uses start_interval inside start_period', async () => {
      expect(await firstProbeAt({ ...probe, startPeriodMs: 10_000, startIntervalMs: 40 }, 10)).toBe(30);
    });
  });
});
