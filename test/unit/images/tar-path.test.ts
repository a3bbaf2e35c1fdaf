import { describe, expect, it } from 'vitest';
import { parentChain, safeEntryPath, under } from '../../../src/engine/images/tar-path.js';
import { classifyEntry } from '../../../src/engine/images/whiteout.js';

describe('archive entry paths', () => {
  it.each([
    ['etc/passwd', 'etc/passwd'],
    ['./etc/passwd', 'etc/passwd'],
    ['/etc/passwd', 'etc/passwd'], // absolute names are confined to the target
    ['a//b/./c/', 'a/b/c'],
    ['a/b/../c', 'a/c'],
    ['./', ''],
    ['/', ''],
  ])('cleans %j to %j', (name, want) => {
    expect(safeEntryPath(name)).toBe(want);
  });

  it.each(['..', '../x', 'a/../../x', './../etc/passwd', '/../x', 'a/b/../../../c', 'x\0y'])('refuses %j', (name) => {
    expect(() => safeEntryPath(name)).toThrow(expect.objectContaining({ code: 'invalid' }) as Error);
  });

  it('lists the parents shortest first and joins under a root', () => {
    expect(parentChain('a/b/c')).toEqual(['a', 'a/b']);
    expect(parentChain('a')).toEqual([]);
    expect(under('/r', 'a/b')).toBe('/r/a/b');
    expect(under('/r', '')).toBe('/r');
  });
});

describe('whiteouts', () => {
  it('classifies whiteouts, opaque markers and aufs metadata', () => {
    expect(classifyEntry('etc/passwd')).toEqual({ kind: 'normal', path: 'etc/passwd' });
    expect(classifyEntry('etc/.wh.passwd')).toEqual({ kind: 'whiteout', path: 'etc/passwd' });
    expect(classifyEntry('.wh.top')).toEqual({ kind: 'whiteout', path: 'top' });
    expect(classifyEntry('var/cache/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'var/cache' });
    expect(classifyEntry('.wh..wh..opq')).toEqual({ kind: 'opaque', dir: '' });
    expect(classifyEntry('.wh..wh.plnk')).toEqual({ kind: 'meta' });
    expect(classifyEntry('a/.wh..wh.aufs')).toEqual({ kind: 'meta' });
  });

  it('refuses malformed whiteouts', () => {
    expect(() => classifyEntry('a/.wh.')).toThrow(/malformed/);
    expect(() => classifyEntry('a/.wh...')).toThrow(/malformed/);
  });
});
