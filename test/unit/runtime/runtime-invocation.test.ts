import { describe, expect, it } from 'vitest';
import { runtimeNameFromEnv } from '../../../src/runtime/drivers/create-runtime-driver.js';
import { isHybridCgroupHost, runtimeInvocation } from '../../../src/runtime/drivers/runtime-invocation.js';
import { shimArgs } from '../../../src/runtime/drivers/shim.js';

describe('runtime invocation', () => {
  it('gives each runtime its own --root under the state root', () => {
    expect(runtimeInvocation('runc', '/run/berth/runtime', { binary: '/usr/sbin/runc' })).toEqual({
      name: 'runc',
      binary: '/usr/sbin/runc',
      file: '/usr/sbin/runc',
      prefix: ['--root', '/run/berth/runtime/runc'],
    });
  });

  it('wraps crun on a hybrid host in a private mount namespace without the cgroup2 mount', () => {
    const inv = runtimeInvocation('crun', '/run/berth/runtime', { binary: '/usr/bin/crun', hybrid: true });
    expect(inv.file).toMatch(/unshare$/);
    expect(inv.prefix).toEqual(['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', '/usr/bin/crun', '--root', '/run/berth/runtime/crun']);
    expect(runtimeInvocation('crun', '/r', { binary: '/usr/bin/crun', hybrid: false }).file).toBe('/usr/bin/crun');
  });

  it('detects the hybrid layout from mountinfo', () => {
    const v2 = '30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw';
    const v1 = '31 25 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory';
    expect(isHybridCgroupHost(`${v1}\n${v2}\n`)).toBe(true);
    expect(isHybridCgroupHost(`${v1}\n`)).toBe(false);
  });

  it('hands the whole invocation to the shim as --runtime and --runtime-arg', () => {
    const inv = runtimeInvocation('runc', '/r', { binary: '/usr/sbin/runc' });
    expect(shimArgs(inv, { id: 'c1', bundle: '/b', stateDir: '/s', logPath: '/l/c1.log', tty: true, openStdin: true })).toEqual([
      '--runtime', '/usr/sbin/runc', '--runtime-arg', '--root', '--runtime-arg', '/r/runc',
      '--id', 'c1', '--bundle', '/b', '--state-dir', '/s', '--log', '/l/c1.log', '--tty', '--stdin',
    ]);
  });

  it('reads BERTH_RUNTIME, defaulting to berth-core and refusing unknown names', () => {
    expect(runtimeNameFromEnv({})).toBe('berth-core');
    expect(runtimeNameFromEnv({ BERTH_RUNTIME: 'crun' })).toBe('crun');
    expect(() => runtimeNameFromEnv({ BERTH_RUNTIME: 'docker' })).toThrow(expect.objectContaining({ code: 'invalid' }));
  });
});

describe('choosing a runtime never falls back silently', () => {
  it('a berth-core that is not built is unavailable, naming the alternatives', async () => {
    const { createRuntimeDriver } = await import('../../../src/runtime/drivers/create-runtime-driver.js');
    const env = { BERTH_CORE_PATH: '/nonexistent/berth-core', BERTH_SHIM_PATH: '/bin/sh' };
    expect(() => createRuntimeDriver(undefined, { stateRoot: '/tmp/x' }, env)).toThrow(expect.objectContaining({ code: 'unavailable', message: expect.stringMatching(/berth-core.*BERTH_RUNTIME=runc\|crun/) as unknown }));
  });

  it('a missing shim is unavailable for every runtime', async () => {
    const { createRuntimeDriver } = await import('../../../src/runtime/drivers/create-runtime-driver.js');
    expect(() => createRuntimeDriver('runc', { stateRoot: '/tmp/x', shimPath: '/nonexistent/berth-shim' })).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });
});
