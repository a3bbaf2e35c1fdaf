import { describe, expect, it } from 'vitest';
import { DetachKeysFilter, parseDetachKeys } from '../../../src/cli/container/detach-keys.js';

describe("docker's detach keys", () => {
  it('parse as docker does: characters and ctrl-<c>, comma-separated', () => {
    expect([...parseDetachKeys('ctrl-p,ctrl-q')]).toEqual([16, 17]);
    expect([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')]).toEqual([97, 0, 27, 31]);
    expect(() => parseDetachKeys('ctrl-pq')).toThrow("Invalid detach keys (ctrl-pq) provided: unknown character 'ctrl-pq'");
    expect(() => parseDetachKeys('ctrl-1')).toThrow(/unknown character 'ctrl-1'/);
  });

  it('hold a begun sequence, let it through when it is not finished, end at a whole one', () => {
    const f = new DetachKeysFilter(Buffer.from([16, 17]));
    expect(f.push(Buffer.from('ls\x10'))).toEqual(Buffer.from('ls'));
    expect(f.push(Buffer.from('x'))).toEqual(Buffer.from('\x10x')); // ctrl-p then x: both go on
    expect(f.push(Buffer.from('\x10\x10'))).toEqual(Buffer.from('\x10')); // the second may still begin it
    expect(f.detached).toBe(false);
    expect(f.push(Buffer.from('\x11after'))).toEqual(Buffer.alloc(0));
    expect(f.detached).toBe(true);
    expect(f.push(Buffer.from('more'))).toEqual(Buffer.alloc(0));
  });

  it('an empty sequence never detaches', () => {
    const f = new DetachKeysFilter(Buffer.alloc(0));
    expect(f.push(Buffer.from('\x10\x11'))).toEqual(Buffer.from('\x10\x11'));
    expect(f.detached).toBe(false);
  });
});
