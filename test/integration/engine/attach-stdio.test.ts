import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { pythonWithDockerPy } from '../../support/python.js';
import { demux, pollUntil, startClient, useBerthd, type ClientProc, type Run } from './berthd-harness.js';

// Issue #4, attach and stdio: live output from the shim's attach.sock with stdout and
// stderr apart, StdinOnce, tty resize (containers and execs), exec Pid, json-file
// rotation. The Docker CLI and berth's own CLI are the clients; `script` gives them a
// terminal where one is needed.

useLeakCheck();

const DOCKER = process.env.DOCKER_CLI ?? '/usr/local/bin/docker';
const haveDocker = existsSync(DOCKER);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BERTH = path.join(repo, 'bin', 'berth');

const d = useBerthd();

// Every client here has stdin as an open pipe, as attach needs.
const start = (file: string, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): ClientProc => startClient(d, file, args, { ...opts, openStdin: true });

const docker = (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<Run> => start(DOCKER, args, opts).done;
const berth = (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<Run> => start(BERTH, args, opts).done;
/** A command run on a terminal of 30 rows and 90 columns (util-linux script). */
const onTerminal = (cmd: string): Promise<Run> => start('script', ['-qec', `stty rows 30 cols 90; ${cmd}`, '/dev/null'], { stdin: '' }).done;

/** A raw hijacked attach/exec-start with the client's own API calls. */
async function hijack(pathname: string, query: Record<string, number>, body?: unknown): Promise<{ socket: Duplex; received: () => Buffer; ended: Promise<void> }> {
  const { socket, head } = await d.client.hijack('POST', pathname, { query, body });
  const chunks: Buffer[] = [head];
  socket.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<void>((resolve) => {
    socket.on('end', () => resolve());
    socket.on('close', () => resolve());
  });
  return { socket, received: () => Buffer.concat(chunks), ended };
}

async function create(body: Record<string, unknown>): Promise<string> {
  return (await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', ...body } })).Id;
}

const python = pythonWithDockerPy();

// docker-py: attach before the start (demultiplexed), exec Pid and exec resize, LogConfig rotation.
const PY = `
import docker, os, time
c = docker.DockerClient(base_url=os.environ['DOCKER_HOST'], version='1.41')
ct = c.containers.create('bb', ['sh', '-c', 'sleep 0.3; echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2'])
s = ct.attach(stream=True, stdout=True, stderr=True, demux=True)
ct.start()
for out, err in s:
    print('O ' + out.decode().strip() if out else 'E ' + err.decode().strip())
print(ct.wait()['StatusCode'])
ct.remove()
ct = c.containers.run('bb', ['sleep', '30'], detach=True)
e = c.api.exec_create(ct.id, ['sleep', '5'])
c.api.exec_start(e['Id'], detach=True)
pid = c.api.exec_inspect(e['Id'])['Pid']
print(open('/proc/%d/cmdline' % pid).read().split('\\0')[0])
e = c.api.exec_create(ct.id, ['sh', '-c', 'sleep 0.5; stty size'], tty=True)
out = c.api.exec_start(e['Id'], tty=True, stream=True)
c.api.exec_resize(e['Id'], height=11, width=22)
print(b''.join(out).decode().strip())
ct.remove(force=True)
lc = docker.types.LogConfig(type='json-file', config={'max-size': '1k', 'max-file': '2'})
ct = c.containers.run('bb', ['seq', '1', '500'], detach=True, log_config=lc)
ct.wait()
lines = ct.logs().decode().split()
print(lines[-1], len(lines) < 60, [int(x) for x in lines] == list(range(int(lines[0]), 501)))
ct.remove()
`;

/** A reader that reads a client's stdout only after `pauseMs`: how much came, its end, the exit code. */
async function readLate(child: ChildProcessByStdio<null, Readable, Readable>, pauseMs: number): Promise<{ code: number | null; bytes: number; tail: string }> {
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, pauseMs));
  let bytes = 0;
  let tail = '';
  child.stdout.on('data', (b: Buffer) => {
    bytes += b.length;
    tail = (tail + b.toString()).slice(-6);
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, bytes, tail };
}

describe.skipIf(python === undefined)('docker-py against berthd: attach, exec, logs', () => {
  it('attaches before the start with stdout and stderr apart, reports exec Pid, resizes an exec tty, rotates logs', () => {
    const r = spawnSync(python ?? 'python3', ['-c', PY], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` }, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['O out1', 'E err1', 'O out2', '0', 'sleep', '11 22', '500 True True']);
  });
});

describe.skipIf(!haveDocker)('attach and stdio against berthd', () => {
  it('docker run -i shows output as it is written (a prompt without a newline), stdout and stderr apart', async () => {
    const p = start(DOCKER, ['run', '-i', '--rm', 'bb', 'sh', '-c', 'printf "name? "; read n; echo "hi $n"; echo "warn $n" >&2']);
    // the prompt has no newline: the json-file log holds it back, the live stream does not
    await pollUntil(() => p.stdout() === 'name? ', 'the prompt', 10_000);
    p.end('bob\n');
    const r = await p.done;
    expect(r).toMatchObject({ code: 0, stdout: 'name? hi bob\n', stderr: 'warn bob\n' });
    // Several at once: the shim's end of output and berthd's last stdin frame (the CLI's
    // end of input) cross; no output may be lost when they do (it was, 1 time in 6).
    const many = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const q = start(DOCKER, ['run', '-i', '--rm', 'bb', 'sh', '-c', 'printf "name? "; read n; echo "hi $n"; echo "warn $n" >&2']);
        await pollUntil(() => q.stdout() === 'name? ', 'the prompt', 20_000);
        q.end('bob\n');
        return q.done;
      }),
    );
    for (const m of many) expect(m).toMatchObject({ code: 0, stdout: 'name? hi bob\n', stderr: 'warn bob\n' });
  });

  it('docker attach and berth container attach follow the live output, stdout and stderr apart, and exit with the container', async () => {
    for (const attach of [(id: string) => docker(['attach', '--no-stdin', id]), (id: string) => berth(['container', 'attach', '--no-stdin', id])]) {
      const id = (await docker(['run', '-d', 'bb', 'sh', '-c', 'sleep 1.5; echo a; echo b >&2; sleep 0.2; printf c; exit 3'])).stdout.trim();
      expect(await attach(id)).toMatchObject({ code: 3, stdout: 'a\nc', stderr: 'b\n' });
      const stopped = await berth(['container', 'attach', id]);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain('You cannot attach to a stopped container, start it first');
      await docker(['rm', id]);
    }
  });

  it('a reader that pauses holds the container back instead of losing output (docker run … | a slow reader)', async () => {
    const child = spawn(DOCKER, ['run', '--rm', 'bb', 'sh', '-c', 'head -c 4000000 /dev/zero | tr "\\0" x; echo; echo end'], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: `${d.dir}/docker-config` }, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(await readLate(child, 11_000)).toEqual({ code: 0, bytes: 4_000_000 + 5, tail: 'x\nend\n' });
  }, 40_000);

  it('berth container run exits only once a slow reader has all of its output (its stdout a pipe)', async () => {
    const child = spawn(BERTH, ['container', 'run', '--rm', 'bb', 'sh', '-c', 'head -c 2000000 /dev/zero | tr "\\0" y; echo; echo end'], { env: { ...process.env, BERTH_HOST: `unix://${d.socket}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    // The container is done and removed long before the reader reads.
    expect(await readLate(child, 2000)).toEqual({ code: 0, bytes: 2_000_000 + 5, tail: 'y\nend\n' });
  }, 30_000);

  it("berth container start -a shows a created container's output and exits with its status; -ai sends stdin; one container only", async () => {
    const created = await berth(['container', 'create', '--name', 'start-a', 'bb', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(created.code).toBe(0);
    expect(await berth(['container', 'start', '-a', 'start-a'])).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(await berth(['container', 'create', '-i', '--name', 'start-ai', 'bb', 'sh', '-c', 'read x; echo "got $x"'])).toMatchObject({ code: 0 });
    expect(await berth(['container', 'start', '-ai', 'start-ai'], { stdin: 'hello\n' })).toMatchObject({ code: 0, stdout: 'got hello\n' });
    const both = await berth(['container', 'start', '-a', 'start-a', 'start-ai']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('you cannot start and attach multiple containers at once');
    expect((await berth(['container', 'rm', 'start-a', 'start-ai'])).code).toBe(0);
  });

  it("berth container run passes the signals it gets to a container without a TTY (docker's --sig-proxy), not with --sig-proxy=false", async () => {
    const script = 'trap "echo trapped; exit 9" INT; trap "echo alarm" ALRM; echo ready; while true; do sleep 0.1; done';
    const proxied = start(BERTH, ['container', 'run', '--rm', 'bb', 'sh', '-c', script]);
    await pollUntil(() => proxied.stdout().includes('ready') || undefined, 'the trap to be set');
    // As docker: any signal but SIGCHLD and SIGPIPE, not only the usual six.
    proxied.kill('SIGALRM');
    await pollUntil(() => proxied.stdout().includes('alarm') || undefined, 'SIGALRM in the container');
    proxied.kill('SIGINT');
    expect(await proxied.done).toMatchObject({ code: 9, stdout: 'ready\nalarm\ntrapped\n' });
    const kept = start(BERTH, ['container', 'run', '--rm', '--sig-proxy=false', '--name', 'no-proxy', 'bb', 'sh', '-c', script]);
    await pollUntil(() => kept.stdout().includes('ready') || undefined, 'the trap to be set');
    kept.kill('SIGINT');
    // docker's bare boolean flag before the image.
    expect(await berth(['container', 'run', '--rm', '--sig-proxy', 'bb', 'echo', 'bare'])).toMatchObject({ code: 0, stdout: 'bare\n' });
    // The CLI ends (Node's own SIGINT), the container runs on untouched.
    expect((await kept.done).stdout).toBe('ready\n');
    const info = await d.client.request<{ State: { Running: boolean } }>('GET', '/containers/no-proxy/json');
    expect(info.State.Running).toBe(true);
    await d.client.request('DELETE', '/containers/no-proxy', { query: { force: 1 } });
  });

  it('berth container top passes the options after the container to ps, as docker top does', async () => {
    expect(await berth(['container', 'run', '-d', '--name', 'topped', 'bb', 'sleep', '30'])).toMatchObject({ code: 0 });
    const top = await berth(['container', 'top', 'topped', '-o', 'pid,comm']);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^PID\s+COMMAND\n\d+\s+sleep\n$/);
    expect((await berth(['container', 'rm', '-f', 'topped'])).code).toBe(0);
  });

  it('stdin that ends closes a StdinOnce container stdin: docker run -i and berth container run -i', async () => {
    expect(await docker(['run', '-i', '--rm', 'bb', 'cat'], { stdin: 'hi\n', timeoutMs: 15_000 })).toMatchObject({ code: 0, stdout: 'hi\n' });
    expect(await berth(['container', 'run', '-i', '--rm', 'bb', 'cat'], { stdin: 'hi\n', timeoutMs: 15_000 })).toMatchObject({ code: 0, stdout: 'hi\n' });
    // a TTY's stdin is not closed at EOF: both CLIs refuse -it without a terminal rather than hang
    for (const r of [await docker(['run', '-it', '--rm', 'bb', 'true'], { stdin: '' }), await berth(['container', 'run', '-it', '--rm', 'bb', 'true'], { stdin: '' })]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the input device is not a TTY');
    }
    // larger than a pipe's buffer: the shim holds what cat has not read yet
    const big = 'x'.repeat(199_999) + '\n';
    const r = await docker(['run', '-i', '--rm', 'bb', 'wc', '-c'], { stdin: big, timeoutMs: 15_000 });
    expect(r).toMatchObject({ code: 0, stdout: '200000\n' });
  });

  it('attach: logs=1 replays, stream=1 follows live until the exit; without StdinOnce the end of stdin ends the attach only', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo first; echo first-err >&2; read x; echo "got $x"; sleep 0.2; echo "err $x" >&2; read y; echo "then $y"'], OpenStdin: true, AttachStdin: true });
    const early = await hijack(`/containers/${id}/attach`, { stream: 1, stdout: 1, stderr: 1, stdin: 1 });
    await d.client.request('POST', `/containers/${id}/start`);
    await pollUntil(() => demux(early.received()).stdout === 'first\n' && demux(early.received()).stderr === 'first-err\n', 'the first lines');
    early.socket.write('one\n');
    await pollUntil(() => demux(early.received()).stderr.includes('err one'), 'err one');
    // the client's stdin ends: StdinOnce is not set, so the container's stdin stays open and this attach ends
    early.socket.end();
    await early.ended;
    expect(demux(early.received())).toEqual({ stdout: 'first\ngot one\n', stderr: 'first-err\nerr one\n' });
    expect((await d.client.request<{ State: { Running: boolean } }>('GET', `/containers/${id}/json`)).State.Running).toBe(true);
    // logs=1&stream=1: the log so far, then live; only stdout asked for
    const late = await hijack(`/containers/${id}/attach`, { logs: 1, stream: 1, stdout: 1, stderr: 0, stdin: 1 });
    await pollUntil(() => demux(late.received()).stdout === 'first\ngot one\n', 'the replay');
    late.socket.write('two\n');
    // the container exits after that line: the attach ends with it
    await late.ended;
    expect(demux(late.received())).toEqual({ stdout: 'first\ngot one\nthen two\n', stderr: '' });
    // logs=1 alone, after the exit: the whole log, both streams
    const replay = await hijack(`/containers/${id}/attach`, { logs: 1, stdout: 1, stderr: 1 });
    await replay.ended;
    expect(demux(replay.received())).toEqual({ stdout: 'first\ngot one\nthen two\n', stderr: 'first-err\nerr one\n' });
  });

  it('resize sets the size of a container tty and of an exec tty (API, docker CLI and berth CLI)', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'read x; stty size; exec sleep 30'], Tty: true, OpenStdin: true });
    await expect(d.client.request('POST', `/containers/${id}/resize`, { query: { h: 33, w: 99 } })).rejects.toThrow(/is not running/);
    const a = await hijack(`/containers/${id}/attach`, { stream: 1, stdout: 1, stderr: 1, stdin: 1 });
    await d.client.request('POST', `/containers/${id}/start`);
    await d.client.request('POST', `/containers/${id}/resize`, { query: { h: 33, w: 99 } });
    a.socket.write('go\n');
    await pollUntil(() => a.received().toString().includes('33 99'), 'stty size', 10_000);
    // an exec on a terminal, resized through the API before and while it runs
    const { Id: exec } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['sh', '-c', 'stty size; read x; stty size'], Tty: true, AttachStdin: true, AttachStdout: true } });
    await d.client.request('POST', `/exec/${exec}/resize`, { query: { h: 20, w: 70 } });
    const e = await hijack(`/exec/${exec}/start`, {}, { Detach: false, Tty: true });
    await pollUntil(() => e.received().toString().includes('20 70'), 'exec stty size', 10_000);
    await d.client.request('POST', `/exec/${exec}/resize`, { query: { h: 21, w: 71 } });
    e.socket.write('again\n');
    await e.ended;
    expect(e.received().toString()).toMatch(/^20 70\r\nagain\r\n21 71\r\n$/);
    // the CLIs send their terminal's size after the start
    expect((await onTerminal(`${DOCKER} exec -t ${id} sh -c 'sleep 1.5; stty size'`)).stdout).toContain('30 90');
    // berth's CLI also sends ConsoleSize with the exec: the size is there from the first instruction
    expect((await onTerminal(`${BERTH} container exec -t ${id} stty size`)).stdout).toContain('30 90');
    const { Id: sized } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['stty', 'size'], Tty: true, AttachStdout: true, ConsoleSize: [12, 34] } });
    const s = await hijack(`/exec/${sized}/start`, {}, { Detach: false, Tty: true });
    await s.ended;
    expect(s.received().toString()).toBe('12 34\r\n');
    a.socket.destroy();
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
    expect((await onTerminal(`${DOCKER} run -t --rm bb sh -c 'sleep 1.5; stty size'`)).stdout).toContain('30 90');
    // berth's CLI sends HostConfig.ConsoleSize: the tty has the size before the process runs
    expect((await onTerminal(`${BERTH} container run -t --rm bb stty size`)).stdout).toContain('30 90');
    const boxed = await create({ Cmd: ['stty', 'size'], Tty: true, HostConfig: { ConsoleSize: [13, 57] } });
    await d.client.request('POST', `/containers/${boxed}/start`);
    await d.client.request('POST', `/containers/${boxed}/wait`);
    const logs = await d.client.request<string>('GET', `/containers/${boxed}/logs`, { query: { stdout: 1 } });
    expect(logs).toBe('13 57\r\n');
    await d.client.request('DELETE', `/containers/${boxed}`);
  });

  it('the CLIs pass a change of their terminal size on (SIGWINCH) while the container or exec runs', async () => {
    const id = await create({ Cmd: ['sleep', '60'] });
    await d.client.request('POST', `/containers/${id}/start`);
    const cases = [
      `${BERTH} container run -t --rm bb sh -c 'stty size; sleep 3; stty size'`,
      `${BERTH} container exec -t ${id} sh -c 'stty size; sleep 3; stty size'`,
      `${DOCKER} exec -t ${id} sh -c 'sleep 1; stty size; sleep 3; stty size'`,
    ];
    for (const [i, cmd] of cases.entries()) {
      const ttyFile = path.join(d.dir, `tty-${i}`);
      const p = start('script', ['-qec', `tty > ${ttyFile}; stty rows 30 cols 90; ${cmd}`, '/dev/null'], { stdin: '' });
      await pollUntil(() => p.stdout().includes('30 90'), 'the first size', 15_000);
      // the terminal is resized: its foreground process (the CLI) gets SIGWINCH
      const pts = readFileSync(ttyFile, 'utf8').trim();
      expect(spawnSync('stty', ['-F', pts, 'rows', '41', 'cols', '101']).status).toBe(0);
      const r = await p.done;
      expect(r.stdout).toMatch(/30 90\r*\n[^]*41 101/);
    }
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('exec inspect reports the host pid of the exec process', async () => {
    const id = await create({ Cmd: ['sleep', '30'] });
    await d.client.request('POST', `/containers/${id}/start`);
    const { Id: exec } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['sh', '-c', 'echo $$; exec sleep 5'], AttachStdout: true } });
    const e = await hijack(`/exec/${exec}/start`, {}, { Detach: false, Tty: false });
    await pollUntil(() => demux(e.received()).stdout.includes('\n'), 'the pid inside');
    const inside = Number(demux(e.received()).stdout.trim());
    const info = await d.client.request<{ Pid: number; Running: boolean }>('GET', `/exec/${exec}/json`);
    expect(info.Running).toBe(true);
    expect(info.Pid).toBeGreaterThan(0);
    // the same process: host pid first in NSpid, the pid inside the container last
    const nspid = /NSpid:\s+([\d\s]+)/.exec(readFileSync(`/proc/${info.Pid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/).map(Number);
    expect(nspid?.[0]).toBe(info.Pid);
    expect(nspid?.at(-1)).toBe(inside);
    expect(readFileSync(`/proc/${info.Pid}/cmdline`, 'utf8').split('\0')[0]).toBe('sleep');
    // detached: the pid too
    const { Id: bg } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['sleep', '7'] } });
    await d.client.request('POST', `/exec/${bg}/start`, { body: { Detach: true } });
    const bgInfo = await d.client.request<{ Pid: number; Running: boolean; ExitCode: number | null }>('GET', `/exec/${bg}/json`);
    expect(bgInfo).toMatchObject({ Running: true, ExitCode: null }); // as dockerd: running until it ends
    expect(readFileSync(`/proc/${bgInfo.Pid}/cmdline`, 'utf8')).toBe('sleep\x007\x00');
    // ... and its exit code once it ended
    const { Id: quick } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['sh', '-c', 'exit 3'] } });
    await d.client.request('POST', `/exec/${quick}/start`, { body: { Detach: true } });
    await pollUntil(async () => (await d.client.request<{ Running: boolean; ExitCode: number | null }>('GET', `/exec/${quick}/json`)).ExitCode === 3 || undefined, 'the detached exec to end with 3');
    // A process that cannot start: the runtime's error (400) and ExitCode 126, detached or not.
    const { Id: bad } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['nosuchcmd'] } });
    await expect(d.client.request('POST', `/exec/${bad}/start`, { body: { Detach: true } })).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('nosuchcmd') });
    expect(await d.client.request('GET', `/exec/${bad}/json`)).toMatchObject({ Running: false, Pid: 0, ExitCode: 126 });
    const attached = await docker(['exec', id, 'nosuchcmd']);
    expect(attached.code).toBe(126);
    expect(attached.stderr).toContain('executable file not found');
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
    await e.ended;
  });

  it('json-file max-size/max-file rotate like Docker and logs reads across the files, also while following', async () => {
    const bad = await docker(['run', '--rm', '--log-opt', 'foo=bar', 'bb', 'true']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unknown log opt 'foo' for json-file log driver");
    const r = await docker(['run', '--name', 'rot', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', 'bb', 'seq', '1', '2000']);
    expect(r.code).toBe(0);
    const id = (await docker(['inspect', '-f', '{{.Id}} {{json .HostConfig.LogConfig}}', 'rot'])).stdout.trim();
    expect(id.split(' ')[1]).toBe('{"Config":{"max-file":"3","max-size":"2k"},"Type":"json-file"}');
    const dir = path.join(d.root, 'containers', id.split(' ')[0]!);
    const logs = readdirSync(dir).filter((f) => f.includes('-json.log')).sort();
    expect(logs.map((f) => f.replace(/^.*-json\.log/, 'log'))).toEqual(['log', 'log.1', 'log.2']);
    const all = (await docker(['logs', 'rot'])).stdout.trim().split('\n').map(Number);
    // the newest ~3 × 2000 bytes of entries, oldest first, without a gap
    expect(all.at(-1)).toBe(2000);
    expect(all.length).toBeGreaterThan(60);
    expect(all.length).toBeLessThan(150);
    expect(all).toEqual(all.map((_, i) => 2000 - all.length + 1 + i));
    expect((await docker(['logs', '--tail', '3', 'rot'])).stdout).toBe('1998\n1999\n2000\n');
    // a follower moves on to the new file at each rotation
    const slow = await docker(['run', '-d', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=2', 'bb', 'sh', '-c', 'sleep 0.3; i=0; while [ $i -lt 200 ]; do echo $i; i=$((i+1)); usleep 5000; done']);
    const followed = await docker(['logs', '-f', slow.stdout.trim()]);
    const seen = followed.stdout.trim().split('\n').map(Number);
    expect(seen).toEqual(seen.map((_, i) => i));
    expect(seen.at(-1)).toBe(199);
    await docker(['rm', '-f', 'rot', slow.stdout.trim()]);
  });

  it('detach keys (ctrl-p ctrl-q, or --detach-keys) leave the container running and end run -it and attach with 0', async () => {
    // On a terminal (script); the keys typed after a command the shell runs.
    // (A terminal buffers what is typed before the shell reads it; the keys go once its answer is seen.)
    const typed = async (cmd: string, keys: string): Promise<Run> => {
      const p = start('script', ['-qfec', cmd, '/dev/null']);
      p.write('echo hi-$((40+2))\r');
      await pollUntil(() => p.stdout().includes('hi-42') || undefined, 'the shell to answer', 15_000);
      p.write(keys);
      return p.done;
    };
    const run = await typed(`${BERTH} container run -it --name dk bb sh`, '\x10\x11');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hi-42');
    const state = async (): Promise<string> => (await d.client.request<{ State: { Status: string } }>('GET', '/containers/dk/json')).State.Status;
    expect(await state()).toBe('running');
    const attached = await typed(`${BERTH} container attach --detach-keys ctrl-x,x dk`, '\x18x');
    expect(attached.code).toBe(0);
    expect(attached.stdout).toContain('hi-42');
    expect(await state()).toBe('running');
    const bad = await berth(['container', 'run', '-d', '--detach-keys', 'ctrl-pq', 'bb', 'true']);
    expect(bad).toMatchObject({ code: 125, stderr: expect.stringContaining("Invalid detach keys (ctrl-pq) provided: unknown character 'ctrl-pq'") });
    await d.client.request('DELETE', '/containers/dk', { query: { force: 1 } });
  });

  it("run's exit status as docker run's: the command's, else 127 (not found), 126 (cannot run), 125 (anything else)", async () => {
    const cases: [string[], number][] = [
      [['bb', 'sh', '-c', 'exit 3'], 3],
      [['bb', 'nosuchcmd'], 127],
      [['bb', '/etc/passwd'], 126],
      [['nosuchimage', 'true'], 125],
    ];
    for (const [args, code] of cases) {
      const [b, dk] = [await berth(['container', 'run', '--rm', ...args]), await docker(['run', '--rm', ...args])];
      expect({ args, berth: b.code, docker: dk.code }).toEqual({ args, berth: code, docker: code });
    }
  });
});
