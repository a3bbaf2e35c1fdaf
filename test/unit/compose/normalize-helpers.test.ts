import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../src/compose/byte-size.js';
import { formatDuration, normalizeDuration, parseDuration } from '../../../src/compose/duration.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { shellSplit } from '../../../src/compose/shell-split.js';

describe('shellSplit', () => {
  it.each([
    ['echo hello world', ['echo', 'hello', 'world']],
    ['  spaced   out\t\targs \n', ['spaced', 'out', 'args']],
    [`sh -c 'echo "$HOME" && ls'`, ['sh', '-c', 'echo "$HOME" && ls']],
    [`echo "a b" 'c d' e\\ f`, ['echo', 'a b', 'c d', 'e f']],
    [`printf "x\\"y\\\\z\\n"`, ['printf', 'x"y\\z\\n']],
    [`a""b ''`, ['ab', '']],
    [`one\\\ntwo`, ['onetwo']],
    [`pre"mid"'post'`, ['premidpost']],
    ['', []],
    ['trailing\\', ['trailing\\']],
  ])('%j', (input, expected) => {
    expect(shellSplit(input)).toEqual(expected);
  });

  it('refuses unterminated quotes', () => {
    expect(() => shellSplit(`echo 'oops`)).toThrow(ComposeError);
    expect(() => shellSplit('echo "oops')).toThrow(/unterminated double quote/);
  });
});

describe('durations', () => {
  it.each([
    ['1m30s', '1m30s'],
    ['90s', '1m30s'],
    ['500ms', '500ms'],
    ['1h2m3.5s', '1h2m3.5s'],
    ['1h', '1h0m0s'],
    ['2m', '2m0s'],
    ['0', '0s'],
    ['0s', '0s'],
    ['1.5s', '1.5s'],
    ['1500ms', '1.5s'],
    ['250us', '250µs'],
    ['42ns', '42ns'],
    ['-5s', '-5s'],
    ['1h30m', '1h30m0s'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDuration(input)).toBe(expected);
  });

  it('reads bare numbers as seconds', () => {
    expect(normalizeDuration(10)).toBe('10s');
    expect(normalizeDuration(0.25)).toBe('250ms');
    expect(parseDuration(3600)).toBe(3600e9);
  });

  it('prints fractional milliseconds as Go does', () => {
    expect(formatDuration(1_500_000)).toBe('1.5ms');
    expect(formatDuration(61_000_000_001)).toBe('1m1.000000001s');
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['10', '1x', 'abc', '1d', '', 's']) expect(() => parseDuration(bad)).toThrow(ComposeError);
  });
});

describe('byte sizes', () => {
  it.each([
    ['512m', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1GB', 1024 ** 3],
    ['100k', 102400],
    ['100KiB', 102400],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2048', 2048],
    ['64b', 64],
  ] as const)('%s', (input, expected) => {
    expect(parseByteSize(input)).toBe(expected);
  });

  it('takes numbers as bytes and rejects garbage', () => {
    expect(parseByteSize(1024)).toBe(1024);
    expect(() => parseByteSize('12 parsecs')).toThrow(ComposeError);
  });
});
