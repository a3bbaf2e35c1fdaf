import { describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES } from '../../../src/runtime/capabilities.js';
import { execProcess, mergeEnv } from '../../../src/runtime/exec-process.js';
import { buildSpec } from '../../../src/runtime/spec.js';

const spec = buildSpec({
  id: 'c1',
  rootfs: '/rootfs',
  args: ['/bin/app'],
  env: ['PATH=/bin', 'A=1', 'B=2'],
  cwd: '/srv',
  user: { uid: 1000, gid: 1000, additionalGids: [2000] },
  mounts: [],
  network: { kind: 'new' },
  cgroupsPath: '/berth/c1',
  capDrop: ['ALL'],
  capAdd: ['NET_BIND_SERVICE'],
  noNewPrivileges: true,
  ulimits: [{ name: 'nofile', soft: 10, hard: 20 }],
});

describe('docker exec process', () => {
  it("inherits the container's user, cwd, env, capabilities, no_new_privs and rlimits", () => {
    expect(execProcess(spec, { args: ['ps'] })).toEqual({
      terminal: false,
      user: { uid: 1000, gid: 1000, additionalGids: [2000] },
      args: ['ps'],
      env: ['PATH=/bin', 'A=1', 'B=2'],
      cwd: '/srv',
      capabilities: { bounding: ['CAP_NET_BIND_SERVICE'], effective: ['CAP_NET_BIND_SERVICE'], permitted: ['CAP_NET_BIND_SERVICE'] },
      noNewPrivileges: true,
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 20, soft: 10 }],
    });
  });

  it('takes the exec\'s user, cwd, tty and env overrides; privileged gets every capability', () => {
    const p = execProcess(spec, { args: ['sh'], user: { uid: 0, gid: 0 }, cwd: '/', tty: true, env: ['B=3', 'C=4'], privileged: true });
    expect(p.user).toEqual({ uid: 0, gid: 0 });
    expect(p.cwd).toBe('/');
    expect(p.terminal).toBe(true);
    expect(p.env).toEqual(['PATH=/bin', 'A=1', 'B=3', 'C=4']);
    expect(p.capabilities?.effective).toEqual([...ALL_CAPABILITIES]);
  });

  it('refuses malformed env entries', () => {
    expect(() => execProcess(spec, { args: ['x'], env: ['NOEQUALS'] })).toThrow(expect.objectContaining({ code: 'invalid' }));
  });

  it('merges env by key, later wins, first position kept', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['A=9', 'C=3', 'B='])).toEqual(['A=9', 'B=', 'C=3']);
  });
});
