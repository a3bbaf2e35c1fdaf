import { describe, expect, it } from 'vitest';
import { isInvalid } from '../../../src/errors.js';
import { validateDefinition } from '../../../src/runtime/spec-validate.js';
import type { ContainerDefinition } from '../../../src/runtime/types.js';

const def = (over: Partial<ContainerDefinition>): ContainerDefinition => ({
  id: 'c1',
  rootfs: '/rootfs',
  args: ['/bin/true'],
  env: [],
  cwd: '/',
  user: { uid: 0, gid: 0 },
  mounts: [],
  network: { kind: 'new' },
  cgroupsPath: '/berth/c1',
  ...over,
});

function rejects(over: Partial<ContainerDefinition>, message: RegExp): void {
  let caught: unknown;
  try {
    validateDefinition(def(over));
  } catch (err) {
    caught = err;
  }
  expect(isInvalid(caught), `expected invalid for ${JSON.stringify(over)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('definition validation at the boundary', () => {
  it('accepts a plain definition', () => {
    expect(() => validateDefinition(def({}))).not.toThrow();
  });

  it.each([
    [{ id: '../x' }, /^id:/],
    [{ id: '' }, /^id:/],
    [{ rootfs: 'relative/rootfs' }, /^rootfs: expected an absolute path/],
    [{ args: [] }, /^args:/],
    [{ cwd: 'srv' }, /^cwd:/],
    [{ env: ['NOVALUE'] }, /^env: expected KEY=VALUE/],
    [{ env: ['=x'] }, /^env:/],
    [{ user: { uid: -1, gid: 0 } }, /^user.uid/],
    [{ user: { uid: 0, gid: 1.5 } }, /^user.gid/],
    [{ mounts: [{ destination: 'data', type: 'bind', source: '/x', options: [] }] }, /^mounts\[0\].destination/],
    [{ mounts: [{ destination: '/data', type: 'bind', source: 'x', options: [] }] }, /^mounts\[0\].source/],
    [{ mounts: [{ destination: '/a/../../etc', type: 'tmpfs', source: 'tmpfs', options: [] }] }, /must not contain "\.\."/],
    [{ network: { kind: 'path', path: 'netns/x' } }, /^network.path/],
    [{ cgroupsPath: 'berth/c1' }, /^cgroupsPath/],
    [{ cgroupsPath: '/berth/../c1' }, /^cgroupsPath/],
    [{ resources: { memory: 1024 } }, /^resources.memory/],
    [{ resources: { memory: 64 << 20, memorySwap: 32 << 20 } }, /^resources.memorySwap: must be at least/],
    [{ resources: { memorySwap: 64 << 20 } }, /needs resources.memory/],
    [{ resources: { cpusetCpus: '0-a' } }, /^resources.cpusetCpus/],
    [{ resources: { cpuPeriod: 10 } }, /^resources.cpuPeriod/],
    [{ oomScoreAdj: 2000 }, /^oomScoreAdj/],
    [{ shmSize: 0 }, /^shmSize/],
    [{ hostname: 'bad host' }, /^hostname/],
    [{ sysctls: { 'kernel.hostname': 'x' } }, /not namespaced/],
    [{ sysctls: { 'net.ipv4.ip_forward': '1' }, network: { kind: 'host' } }, /host's network namespace/],
    [{ sysctls: { 'kernel.shmmax': '1' }, ipc: { kind: 'host' } }, /host's IPC namespace/],
    [{ devices: [{ path: 'fuse', type: 'c', major: 10, minor: 229 }] }, /^devices\[0\].path/],
    [{ hostname: 'web', uts: { kind: 'host' } }, /host's UTS namespace/],
    [{ sysctls: { 'kernel.domainname': 'x' }, uts: { kind: 'host' } }, /host's UTS namespace/],
  ] as [Partial<ContainerDefinition>, RegExp][])('refuses %j', (over, message) => rejects(over, message));

  it('accepts namespaced sysctls with private namespaces', () => {
    expect(() => validateDefinition(def({ sysctls: { 'net.core.somaxconn': '1024', 'fs.mqueue.msg_max': '10', 'kernel.shmmax': '1', 'kernel.domainname': 'd' } }))).not.toThrow();
  });

  it('accepts unlimited swap and pids', () => {
    expect(() => validateDefinition(def({ resources: { memory: 64 << 20, memorySwap: -1, pidsLimit: -1 } }))).not.toThrow();
  });
});
