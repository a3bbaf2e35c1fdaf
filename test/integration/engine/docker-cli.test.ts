import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { pollUntil, runClient, useBerthd, type Run } from './berthd-harness.js';

// The real Docker CLI (a peer nobody here wrote) pointed at berthd's socket.

useLeakCheck();

const DOCKER = process.env.DOCKER_CLI ?? '/usr/local/bin/docker';
const haveDocker = existsSync(DOCKER);

const d = useBerthd({ when: haveDocker });

function docker(args: string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<Run> {
  return runClient(d, DOCKER, args, opts);
}

describe.skipIf(!haveDocker)('the docker CLI against berthd', () => {
  it('docker version and info', async () => {
    const v = await docker(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
    expect(v).toMatchObject({ code: 0, stdout: '0.1.0 1.41\n' });
    const info = await docker(['info', '--format', '{{.Driver}} {{.CgroupDriver}} {{.Images}}']);
    expect(info).toMatchObject({ code: 0, stdout: 'overlay2 cgroupfs 1\n' });
  });

  it('docker run --rm shows the output and passes the exit code through', async () => {
    const ok = await docker(['run', '--rm', 'bb', 'sh', '-c', 'echo hello; echo to-stderr >&2']);
    expect(ok).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(ok.stderr).toContain('to-stderr');
    const failed = await docker(['run', '--rm', 'bb', 'sh', '-c', 'exit 7']);
    expect(failed.code).toBe(7);
    const missing = await docker(['run', '--rm', 'bb', 'no-such-command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('executable file not found');
    const ps = await docker(['ps', '-a', '-q']);
    expect(ps.stdout).toBe('');
  });

  it('docker run -i feeds stdin to the container; --init runs berth-init as pid 1', async () => {
    expect(await docker(['run', '-i', '--rm', 'bb', 'head', '-1'], { stdin: 'from-stdin\nsecond\n' })).toMatchObject({ code: 0, stdout: 'from-stdin\n' });
    const init = await docker(['run', '--rm', '--init', 'bb', 'cat', '/proc/1/cmdline']);
    expect(init.stdout.split('\0')[0]).toBe('/sbin/berth-init');
  });

  it('docker run -d, logs -f, exec, inspect, ps -a, stop, rm -f', async () => {
    const run = await docker(['run', '-d', '--name', 'ticker', 'bb', 'sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.2; done; sleep 60']);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    await pollUntil(async () => ((await docker(['logs', 'ticker'])).stdout.includes('tick 3') ? true : undefined), 'three ticks');
    const exec = await docker(['exec', 'ticker', 'sh', '-c', 'echo in-container; exit 4']);
    expect(exec).toMatchObject({ code: 4, stdout: 'in-container\n' });
    expect(await docker(['exec', '-i', 'ticker', 'wc', '-l'], { stdin: 'a\nb\nc\n' })).toMatchObject({ code: 0, stdout: '3\n' });
    const insp = await docker(['inspect', '-f', '{{.State.Status}} {{.Name}} {{.Config.Image}}', 'ticker']);
    expect(insp.stdout).toBe('running /ticker bb\n');
    const ps = await docker(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
    expect(ps.stdout).toMatch(/^ticker Up /m);
    // logs -f ends when the container stops
    const follow = docker(['logs', '-f', 'ticker']);
    const stop = await docker(['stop', '-t', '1', 'ticker']);
    expect(stop).toMatchObject({ code: 0, stdout: 'ticker\n' });
    const followed = await follow;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('tick 1\ntick 2\ntick 3\n');
    const exited = await docker(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
    expect(exited.stdout).toMatch(/^ticker Exited \(137\) /m);
    expect((await docker(['rm', '-f', 'ticker'])).code).toBe(0);
    expect((await docker(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('docker volume and network create, ls, rm', async () => {
    expect((await docker(['volume', 'create', '--label', 'x=y', 'cli-vol'])).stdout).toBe('cli-vol\n');
    expect((await docker(['volume', 'ls', '--format', '{{.Name}}'])).stdout).toContain('cli-vol\n');
    expect((await docker(['volume', 'rm', 'cli-vol'])).code).toBe(0);
    expect((await docker(['volume', 'ls', '-q'])).stdout).toBe('');
    expect((await docker(['network', 'create', 'cli-net'])).code).toBe(0);
    expect((await docker(['network', 'ls', '--format', '{{.Name}}'])).stdout).toContain('cli-net\n');
    expect((await docker(['network', 'rm', 'cli-net'])).code).toBe(0);
    expect((await docker(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('cli-net');
  });
});
