import { expect, test } from 'vitest';
import { Command } from 'commander';
import { parseScale, replicaIndex, seconds, valueOption } from '../../../src/cli/compose/options.js';
import { toEngineTime } from '../../../src/cli/compose/logs.js';

test('--scale SERVICE=NUM entries', () => {
  expect(parseScale(['web=3', 'db=0'])).toEqual({ web: 3, db: 0 });
  expect(() => parseScale(['web'])).toThrow(/expected SERVICE=NUM/);
});

test('--index is a replica number from 1', () => {
  expect(replicaIndex('2')).toBe(2);
  for (const bad of ['0', 'x', '1.5', '-1', '']) expect(() => replicaIndex(bad), bad).toThrow(/invalid --index/);
});

test('-t seconds must be a whole number', () => {
  expect(seconds('10')).toBe(10);
  expect(seconds(undefined)).toBeUndefined();
  expect(() => seconds('1.5')).toThrow(/whole number/);
});

test('--no-attach takes a value instead of negating --attach', () => {
  const cmd = new Command('up').exitOverride().option('--attach <s>', '', (v: string, p: string[] = []) => [...p, v]).addOption(valueOption('--no-attach <s>', ''));
  cmd.parse(['--attach', 'a', '--no-attach', 'b', '--no-attach', 'c'], { from: 'user' });
  expect(cmd.opts()).toEqual({ attach: ['a'], noAttach: ['b', 'c'] });
});

test('log times: relative durations and RFC 3339 become unix seconds', () => {
  const now = Math.floor(Date.now() / 1000);
  expect(Number(toEngineTime('10m'))).toBeGreaterThanOrEqual(now - 601);
  expect(toEngineTime('2024-01-02T03:04:05Z')).toBe(String(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000));
  expect(toEngineTime('1700000000')).toBe('1700000000');
});
