import { describe, expect, it } from 'vitest';
import { favorDecision } from '../../../src/daemon/cgroup-favordynmods.js';

const line = (id: number, mountPoint: string, fstype: string, source: string, superOpts: string): string =>
  `${id} 23 0:${id} / ${mountPoint} rw,relatime - ${fstype} ${source} ${superOpts}`;

describe('favorDecision', () => {
  it('asks for the mode on a host with cgroup v1 hierarchies (hybrid layout)', () => {
    const info = [
      line(31, '/sys/fs/cgroup', 'tmpfs', 'tmpfs', 'rw,mode=755'),
      line(32, '/sys/fs/cgroup/cpu', 'cgroup', 'cgroup', 'rw,cpu'),
      line(41, '/sys/fs/cgroup/unified', 'cgroup2', 'cgroup2', 'rw'),
    ].join('\n');
    expect(favorDecision(info)).toBe('enable');
  });

  it('leaves a cgroup v2-only host alone: its containers are born in their cgroup', () => {
    expect(favorDecision(line(30, '/sys/fs/cgroup', 'cgroup2', 'cgroup2', 'rw,nsdelegate,memory_recursiveprot'))).toBe('no-v1');
    expect(favorDecision('')).toBe('no-v1');
  });

  it('does nothing when a hierarchy already has the mode (the setting is global)', () => {
    const info = [line(32, '/sys/fs/cgroup/cpu', 'cgroup', 'cgroup', 'rw,cpu'), line(41, '/sys/fs/cgroup/unified', 'cgroup2', 'cgroup2', 'rw,favordynmods')].join('\n');
    expect(favorDecision(info)).toBe('already');
  });

  it('reads the super options, not the per-mount options or a path that names the option', () => {
    const info = line(32, '/srv/favordynmods', 'cgroup', 'cgroup', 'rw,cpu');
    expect(favorDecision(info)).toBe('enable');
  });
});
