import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { pythonWithDockerPy } from '../../support/python.js';
import { useBerthd } from './berthd-harness.js';

// docker-py (the library under docker-compose 1.x), a second client nobody here wrote.

useLeakCheck();

const python = pythonWithDockerPy();
const haveDockerPy = python !== undefined;

const SCRIPT = `
import docker, os
c = docker.DockerClient(base_url=os.environ['DOCKER_HOST'], version='1.41')
print(c.version()['ApiVersion'])
print(c.containers.run('bb', ['sh', '-c', 'echo hi-from-py'], remove=True).decode().strip())
ct = c.containers.run('bb', ['sleep', '30'], detach=True, name='py1', labels={'a': 'b'})
print(c.containers.get('py1').attrs['State']['Status'])
print(','.join(x.name for x in c.containers.list(filters={'label': 'a=b'})))
r = ct.exec_run(['sh', '-c', 'echo out; exit 2'])
print(r.exit_code, r.output.decode().strip())
ct.stop(timeout=1); ct.reload(); print(ct.status, ct.attrs['State']['ExitCode'])
ct.remove()
print(c.volumes.create('pyvol').name); c.volumes.get('pyvol').remove()
n = c.networks.create('pynet'); print(n.name); n.remove()
`;

const d = useBerthd({ when: haveDockerPy });

describe.skipIf(!haveDockerPy)('docker-py against berthd', () => {
  it('runs, lists by label, execs, stops and removes containers; volumes and networks', () => {
    const r = spawnSync(python ?? 'python3', ['-c', SCRIPT], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` }, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['1.41', 'hi-from-py', 'running', 'py1', '2 out', 'exited 137', 'pyvol', 'pynet']);
  });
});
