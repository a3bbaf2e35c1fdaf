// One runtime conformance suite, run against every implementation available here
// (berth-core, runc, crun): the same bundles, the same observations. Each arm asserts
// Docker's expected behaviour; the last block compares what the arms saw.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/errors.js';
import type { RuntimeName } from '../../../src/runtime/drivers/runtime-invocation.js';
import { runCli } from '../../../src/runtime/drivers/run-runtime.js';
import { isShimAlive } from '../../../src/runtime/shim-state.js';
import { findInitBinary } from '../../../src/runtime/init-binary.js';
import { hostCapabilities } from '../../../src/runtime/host-capabilities.js';
import { writeBundle } from '../../../src/runtime/bundle.js';
import { execProcess } from '../../../src/runtime/exec-process.js';
import { waitForExit } from '../../../src/runtime/exit-record.js';
import { buildSpec } from '../../../src/runtime/spec.js';
import { busyboxRootfs } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { CGROUP_PARENT, Harness, mountSummary, skipReason } from './harness.js';

useLeakCheck();

const RUNTIMES: RuntimeName[] = ['berth-core', 'runc', 'crun'];
/** Observations per runtime, compared across runtimes at the end. */
const seen = new Map<string, Map<RuntimeName, unknown>>();
const record = (key: string, runtime: RuntimeName, value: unknown): void => {
  if (!seen.has(key)) seen.set(key, new Map());
  seen.get(key)?.set(runtime, value);
};

const MASKED = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];

/**
 * What must agree between runtimes: the mount points, and type and mode of each; not how a
 * path is masked (runc binds the container's /dev/null, crun the host's) nor the mode of
 * the v1 /sys/fs/cgroup tmpfs itself (runc 1.1 leaves it rw; the controllers are ro in all).
 */
function comparableMounts(mounts: string[]): string[] {
  return mounts
    .map((m) => {
      const [mp = '', type = ''] = m.split(' ');
      if (MASKED.includes(mp)) return `${mp} masked`;
      if (mp === '/sys/fs/cgroup') return `${mp} ${type}`;
      return m;
    })
    .sort();
}

// Docker's 14 default capabilities as a /proc/<pid>/status mask.
const DEFAULT_CAP_MASK = '00000000a80425fb';

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream?.on('data', (b: Buffer) => (text += b.toString('utf8')));
    stream?.on('end', () => resolve(text));
    if (!stream) resolve('');
  });
}

/** Gone or a zombie: the shim is reparented to the host's init, which may reap it late. */
function exited(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polls a condition with a deadline (no fixed sleeps). */
async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const runtime of RUNTIMES) {
  const reason = skipReason(runtime);
  describe.skipIf(reason !== undefined)(`runtime conformance: ${runtime}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    const h = new Harness(runtime);
    beforeAll(() => h.setup());
    afterAll(() => h.teardown());

    it('runs the process: exit code, stdout/stderr in the json-file log, exit.json', async () => {
      const r = await h.run({ args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
      expect(r.exit.exitCode).toBe(3);
      expect(r.exit.exitedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toBe('err\n');
      for (const e of r.log) expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      record('exit+output', runtime, { code: r.exit.exitCode, stdout: r.stdout, stderr: r.stderr });
    });

    it('is pid 1 in its own pid namespace, with the hostname and identity asked for', async () => {
      const r = await h.run({
        args: ['sh', '-c', 'echo pid=$$; echo host=$(hostname); echo uid=$(id -u) gid=$(id -g) groups=$(id -G); echo cwd=$(pwd); echo env=$FOO'],
        user: { uid: 1000, gid: 1000, additionalGids: [2000] },
        cwd: '/tmp',
        hostname: 'box-one',
        env: ['PATH=/bin', 'FOO=bar'],
      });
      expect(r.exit.exitCode).toBe(0);
      expect(r.stdout).toBe('pid=1\nhost=box-one\nuid=1000 gid=1000 groups=1000 2000\ncwd=/tmp\nenv=bar\n');
      record('identity', runtime, r.stdout);
    });

    it("has Docker's default capabilities, and cap_add/cap_drop/no_new_privs change them", async () => {
      const status = 'grep -E "^(CapEff|CapBnd|CapPrm|CapInh|CapAmb|NoNewPrivs)" /proc/self/status';
      const def = await h.run({ args: ['sh', '-c', status] });
      expect(def.stdout).toContain(`CapEff:\t${DEFAULT_CAP_MASK}`);
      expect(def.stdout).toContain(`CapBnd:\t${DEFAULT_CAP_MASK}`);
      expect(def.stdout).toContain('CapInh:\t0000000000000000');
      expect(def.stdout).toContain('CapAmb:\t0000000000000000');
      expect(def.stdout).toContain('NoNewPrivs:\t0');
      const tweaked = await h.run({ args: ['sh', '-c', status], capDrop: ['ALL'], capAdd: ['NET_ADMIN'], noNewPrivileges: true });
      expect(tweaked.stdout).toContain('CapEff:\t0000000000001000');
      expect(tweaked.stdout).toContain('CapBnd:\t0000000000001000');
      expect(tweaked.stdout).toContain('NoNewPrivs:\t1');
      record('capabilities', runtime, [def.stdout, tweaked.stdout]);
    });

    it("mounts Docker's default filesystems, read-only root, masked and read-only /proc paths", async () => {
      const r = await h.run({ args: ['cat', '/proc/self/mounts'] });
      expect(r.exit.exitCode).toBe(0);
      const mounts = mountSummary(r.stdout);
      expect(mounts).toEqual(
        expect.arrayContaining([
          '/ ' + mounts.find((m) => m.startsWith('/ '))?.split(' ')[1] + ' ro',
          '/proc proc rw',
          '/dev tmpfs rw',
          '/dev/pts devpts rw',
          '/sys sysfs ro',
          '/dev/mqueue mqueue rw',
          '/dev/shm tmpfs rw',
          '/proc/sys proc ro',
          '/proc/bus proc ro',
        ]),
      );
      expect(r.stdout).toMatch(/^shm \/dev\/shm tmpfs \S*size=65536k/m);
      // Every cgroup v1 controller is visible and read-only.
      const controllers = r.stdout.split('\n').filter((l) => l.split(' ')[1]?.startsWith('/sys/fs/cgroup/'));
      expect(controllers.length).toBeGreaterThan(0);
      for (const c of controllers) expect(c.split(' ')[3]?.split(',')).toContain('ro');
      // Masked paths that exist on this kernel are covered (by a read-only tmpfs or /dev/null).
      const masked = MASKED.filter((p) => mounts.some((m) => m.startsWith(`${p} `)));
      expect(masked).toEqual(expect.arrayContaining(['/proc/acpi', '/proc/keys', '/proc/timer_list', '/sys/firmware'].filter((p) => existsSync(p))));
      record('mounts', runtime, comparableMounts(mounts));
    });

    it('masks sensitive paths and refuses writes to the read-only root and /proc/sys', async () => {
      const script = [
        'echo keys=$(cat /proc/keys | wc -c)',
        'echo timer_list=$(cat /proc/timer_list | wc -c)',
        'echo firmware=$(ls -A /sys/firmware | wc -l)',
        'echo acpi=$(ls -A /proc/acpi 2>/dev/null | wc -l)',
        'touch /newfile 2>/dev/null && echo root=writable || echo root=refused',
        '(echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null && echo procsys=writable || echo procsys=refused',
        '(echo h > /proc/sysrq-trigger) 2>/dev/null && echo sysrq=writable || echo sysrq=refused',
        'touch /dev/shm/ok && echo shm=writable',
      ].join('; ');
      const r = await h.run({ args: ['sh', '-c', script] });
      expect(r.stdout).toBe('keys=0\ntimer_list=0\nfirmware=0\nacpi=0\nroot=refused\nprocsys=refused\nsysrq=refused\nshm=writable\n');
      record('masking', runtime, r.stdout);
    });

    it('kills a process over its memory limit (exit 137)', async () => {
      // dd as pid 1 touches a 64 MiB buffer in a 16 MiB cgroup without swap.
      const r = await h.run({ args: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], resources: { memory: 16 << 20, memorySwap: 16 << 20 } });
      expect(r.exit.exitCode).toBe(137);
      expect(r.exit.oomKilled).toBe(true);
      record('oom', runtime, { exitCode: r.exit.exitCode, signal: r.exit.signal, oomKilled: r.exit.oomKilled });
    });

    it('stops a fork bomb at the pids limit', async () => {
      const def = h.definition({ args: ['sh', '-c', 'b() { b | b & }; b; exec sleep 1000'], resources: { pidsLimit: 32 } });
      const dir = path.join('/sys/fs/cgroup/pids', CGROUP_PARENT, def.id);
      try {
        await h.create(def);
        await h.driver.start(def.id);
        // pids.events counts forks the limit refused: the bomb has hit the wall.
        await until('the pids limit to refuse a fork', () => /^max [1-9]/m.test(readFileSync(path.join(dir, 'pids.events'), 'utf8')));
        expect(Number(readFileSync(path.join(dir, 'pids.current'), 'utf8'))).toBeLessThanOrEqual(32);
        // The host still forks.
        expect(execFileSync('true', { encoding: 'utf8' })).toBe('');
        await h.driver.kill(def.id, 'KILL', true);
        expect((await waitForExit(h.paths(def.id).stateDir)).exitCode).toBe(137);
      } finally {
        await h.remove(def.id);
      }
    });

    it('joins a network namespace given by path', async () => {
      const ns = `berth-test-${runtime}-${process.pid}`;
      execFileSync('ip', ['netns', 'add', ns]);
      try {
        const inode = execFileSync('stat', ['-L', '-c', '%i', `/run/netns/${ns}`], { encoding: 'utf8' }).trim();
        const hostInode = execFileSync('stat', ['-L', '-c', '%i', '/proc/self/ns/net'], { encoding: 'utf8' }).trim();
        const joined = await h.run({ args: ['readlink', '/proc/self/ns/net'], network: { kind: 'path', path: `/run/netns/${ns}` } });
        expect(joined.stdout).toBe(`net:[${inode}]\n`);
        const fresh = await h.run({ args: ['sh', '-c', 'readlink /proc/self/ns/net; ip -o link show | cut -d: -f2 | tr -d " "'] });
        const [freshNs, ...links] = fresh.stdout.trim().split('\n');
        expect(freshNs).not.toBe(`net:[${inode}]`);
        expect(freshNs).not.toBe(`net:[${hostInode}]`);
        expect(links).toEqual(['lo']);
        record('netns', runtime, links);
      } finally {
        execFileSync('ip', ['netns', 'delete', ns]);
      }
    });

    it('applies ulimits, umask, sysctls, the /dev/shm size and the definition\'s mounts', async () => {
      const src = await h.scratch('data');
      writeFileSync(path.join(src, 'hello'), 'from the host\n');
      const script = [
        'echo nofile=$(ulimit -n)/$(ulimit -Hn)',
        'echo umask=$(umask)',
        'echo ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)',
        'echo shm=$(df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2)',
        'echo data=$(cat /data/hello)',
        'touch /data/new 2>/dev/null && echo data=writable || echo data=read-only',
        'touch /scratch/new && echo scratch=writable',
        'echo scratch_size=$(df -k /scratch | tail -1 | tr -s " " | cut -d" " -f2)',
      ].join('; ');
      const r = await h.run({
        args: ['sh', '-c', script],
        ulimits: [{ name: 'nofile', soft: 1000, hard: 2000 }],
        user: { uid: 0, gid: 0, umask: 0o027 },
        sysctls: { 'net.ipv4.ip_forward': '1' },
        shmSize: 8 << 20,
        mounts: [
          { destination: '/data', type: 'bind', source: src, options: ['rbind', 'ro'] },
          { destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1024k'] },
        ],
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('nofile=1000/2000\numask=0027\nip_forward=1\nshm=8192\ndata=from the host\ndata=read-only\nscratch=writable\nscratch_size=1024\n');
      record('settings', runtime, r.stdout);
    });

    it('runs on a writable overlay root: writes land in the upper dir, the image stays untouched', async () => {
      const base = await h.scratch('overlay');
      const upper = path.join(base, 'upper');
      const work = path.join(base, 'work');
      const merged = path.join(base, 'merged');
      for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
      execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${busyboxRootfs()},upperdir=${upper},workdir=${work}`, merged]);
      try {
        const r = await h.run({ args: ['sh', '-c', 'echo written > /etc/berth-conformance && cat /etc/berth-conformance && rm /bin/true && echo removed'], rootfs: merged, readonlyRootfs: false });
        expect(r.stdout).toBe('written\nremoved\n');
        expect(readFileSync(path.join(upper, 'etc/berth-conformance'), 'utf8')).toBe('written\n');
        expect(existsSync(path.join(busyboxRootfs(), 'etc/berth-conformance'))).toBe(false);
        expect(existsSync(path.join(busyboxRootfs(), 'bin/true'))).toBe(true);
      } finally {
        execFileSync('umount', [merged]);
      }
    });

    // berth-init, looked up as on a host without tini (CI installs none).
    const init = findInitBinary({}, { hostCandidates: [] });
    it.skipIf(!init)(`runs berth-init as pid 1 with init: true, which forwards signals${init ? '' : ' (skipped: dist/native/berth-init is not built)'}`, async () => {
      // The init is bind-mounted at /sbin/berth-init: use an overlay so the mount point is
      // created in a scratch upper dir, not in the shared busybox rootfs.
      const base = await h.scratch('init-overlay');
      const [upper, work, merged] = [path.join(base, 'upper'), path.join(base, 'work'), path.join(base, 'merged')];
      for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
      execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${busyboxRootfs()},upperdir=${upper},workdir=${work}`, merged]);
      const def = h.definition({ args: ['sh', '-c', 'echo pid1=$(cat /proc/1/comm) me=$$; exec sleep 1000'], rootfs: merged, init: true });
      try {
        const p = h.paths(def.id);
        await mkdir(path.dirname(p.logPath), { recursive: true });
        await writeBundle(p.bundle, buildSpec(def, init ? { init } : {}));
        await h.driver.create({ id: def.id, bundle: p.bundle, stateDir: p.stateDir, logPath: p.logPath });
        await h.driver.start(def.id);
        await until('the first line of output', () => existsSync(p.logPath) && readFileSync(p.logPath, 'utf8').includes('pid1='));
        // Without an init, a pid-1 sleep ignores SIGTERM; berth-init passes it on and exits 128+15.
        await h.driver.kill(def.id, 'TERM');
        const exit = await waitForExit(p.stateDir);
        expect(exit.exitCode).toBe(143);
        const out = (await h.output(def.id)).stdout;
        expect(out).toMatch(/^pid1=berth-init me=(\d+)\n$/);
        expect(out).not.toContain('me=1\n');
        record('init', runtime, [out.replace(/me=\d+/, 'me=N'), exit.exitCode]);
      } finally {
        await h.remove(def.id);
        execFileSync('umount', [merged]);
      }
    });

    it('writes the resource limits into the container\'s cgroups', async () => {
      const def = h.definition({ args: ['sleep', '1000'], oomScoreAdj: 300, resources: { memory: 64 << 20, memorySwap: 96 << 20, memoryReservation: 32 << 20, cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000, cpusetCpus: '0', pidsLimit: 77 } });
      const cg = (controller: string, file: string) => readFileSync(path.join('/sys/fs/cgroup', controller, def.cgroupsPath, file), 'utf8').trim();
      try {
        const { initPid } = await h.create(def);
        const limits = {
          memory: cg('memory', 'memory.limit_in_bytes'),
          memsw: cg('memory', 'memory.memsw.limit_in_bytes'),
          shares: cg('cpu', 'cpu.shares'),
          quota: cg('cpu', 'cpu.cfs_quota_us'),
          period: cg('cpu', 'cpu.cfs_period_us'),
          pids: cg('pids', 'pids.max'),
          reservation: cg('memory', 'memory.soft_limit_in_bytes'),
          cpus: cg('cpuset', 'cpuset.cpus'),
          oomScoreAdj: readFileSync(`/proc/${initPid}/oom_score_adj`, 'utf8').trim(),
        };
        expect(limits).toEqual({ memory: String(64 << 20), memsw: String(96 << 20), shares: '512', quota: '50000', period: '100000', pids: '77', reservation: String(32 << 20), cpus: '0', oomScoreAdj: '300' });
        expect(cg('pids', 'cgroup.procs').split('\n')).toContain(String(initPid));
        record('cgroups', runtime, limits);
      } finally {
        await h.remove(def.id);
      }
    });

    it('privileged: every capability, nothing masked, /sys writable, any device', async () => {
      // "Every" is what this host can grant: the test's own bounding set.
      const def = h.definition({
        args: ['sh', '-c', 'grep -E "^(CapEff|CapBnd)" /proc/self/status; grep -cE " /proc/(keys|timer_list|acpi) " /proc/self/mounts; grep -E "^sysfs /sys " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1; mknod /dev/blk b 7 0 && head -c1 /dev/blk >/dev/null && echo blk=opened'],
        privileged: true,
      });
      const p = h.paths(def.id);
      let exitCode: number;
      try {
        await mkdir(path.dirname(p.logPath), { recursive: true });
        await writeBundle(p.bundle, buildSpec(def, { availableCapabilities: hostCapabilities() }));
        await h.driver.create({ id: def.id, bundle: p.bundle, stateDir: p.stateDir, logPath: p.logPath });
        await h.driver.start(def.id);
        exitCode = (await waitForExit(p.stateDir)).exitCode;
      } finally {
        await h.remove(def.id);
      }
      const r = { ...(await h.output(def.id)), exitCode };
      const bnd = /^CapBnd:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(`CapEff:\t${bnd}\nCapBnd:\t${bnd}\n0\nrw\nblk=opened\n`);
      record('privileged', runtime, r.stdout);
    });

    it('lets the container make device nodes but not open devices outside the allow list', async () => {
      const r = await h.run({ args: ['sh', '-c', 'mknod /dev/blk b 7 0 && echo mknod=ok; head -c1 /dev/blk >/dev/null 2>&1 && echo open=allowed || echo open=denied; head -c1 /dev/zero | wc -c'] });
      expect(r.stdout).toBe('mknod=ok\nopen=denied\n1\n');
      record('devices', runtime, r.stdout);
    });

    it('gives a tty container a terminal, its output in the log', async () => {
      const r = await h.run({ args: ['sh', '-c', 'test -t 0 && test -t 1 && test -t 2 && echo tty=yes; tty; echo to-stderr >&2'], tty: true });
      expect(r.exit.exitCode).toBe(0);
      // One stream on a terminal: stderr arrives on stdout, with the tty's CRLF.
      expect(r.stdout).toMatch(/^tty=yes\r\n\/dev\/(pts\/\d+|console)\r\nto-stderr\r\n$/);
      record('tty', runtime, r.stdout.split('\r\n')[0]);
    });

    it('goes through created → running → paused → running → stopped, then is gone', async () => {
      const def = h.definition({ args: ['sleep', '1000'] });
      try {
        const { initPid, shimPid } = await h.create(def);
        const created = await h.driver.state(def.id);
        expect(created).toMatchObject({ id: def.id, status: 'created', pid: initPid, bundle: h.paths(def.id).bundle });
        await h.driver.start(def.id);
        expect((await h.driver.state(def.id)).status).toBe('running');
        expect(await isShimAlive(h.paths(def.id).stateDir)).toBe(true);
        await h.driver.pause(def.id);
        expect((await h.driver.state(def.id)).status).toBe('paused');
        await h.driver.resume(def.id);
        expect((await h.driver.state(def.id)).status).toBe('running');
        await h.driver.kill(def.id, 'SIGKILL');
        const exit = await waitForExit(h.paths(def.id).stateDir);
        expect(exit).toMatchObject({ exitCode: 137, signal: 9 });
        expect((await h.driver.state(def.id)).status).toBe('stopped');
        // The shim leaves once it has recorded the exit.
        await until('the shim to exit', () => exited(shimPid));
        expect(await isShimAlive(h.paths(def.id).stateDir)).toBe(false);
        await h.driver.delete(def.id);
        await expect(h.driver.state(def.id)).rejects.toSatisfy(isNotFound);
        await expect(h.driver.kill(def.id, 'KILL')).rejects.toSatisfy(isNotFound);
        await expect(h.driver.delete(def.id)).rejects.toSatisfy(isNotFound);
        await h.driver.delete(def.id, true);
      } finally {
        await h.remove(def.id);
      }
    });

    it('execs into a running container: output, exit code, identity, timeout, missing container', async () => {
      const def = h.definition({ args: ['sleep', '1000'], hostname: 'exec-host' });
      try {
        const created = await h.create(def);
        await h.driver.start(def.id);
        const proc = { user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/' };
        const r = await h.driver.exec(def.id, { ...proc, args: ['sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; echo oops >&2; exit 7'] });
        expect(r.exitCode).toBe(7);
        expect(r.stdout.toString()).toBe('exec-host\nsleep 1000 \n');
        expect(r.stderr.toString()).toBe('oops\n');
        const who = await h.driver.exec(def.id, { user: { uid: 1000, gid: 1000, additionalGids: [2000] }, env: ['PATH=/bin'], cwd: '/tmp', args: ['sh', '-c', 'id -u; id -G; pwd'] });
        expect(who).toMatchObject({ exitCode: 0 });
        expect(who.stdout.toString()).toBe('1000\n1000 2000\n/tmp\n');
        const big = await h.driver.exec(def.id, { ...proc, args: ['head', '-c', '100000', '/dev/zero'] }, { maxOutputBytes: 1000 });
        expect(big.stdout.length).toBe(1000);
        await expect(h.driver.exec(def.id, { ...proc, args: ['sleep', '300'] }, { timeoutMs: 200 })).rejects.toThrow(/timed out/);
        // The timed-out process was killed inside the container, not just the runtime.
        await until('the timed-out exec to be gone', () => {
          const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
          return !ps.split('\n').some((l) => l.trim() === 'sleep 300');
        });
        await expect(h.driver.exec(def.id, { ...proc, args: ['/no/such/binary'] })).rejects.toMatchObject({ code: 'invalid' });
        // Detached: returns at once, the process carries on in the container.
        const detached = await h.driver.exec(def.id, { ...proc, args: ['sh', '-c', 'echo detached > /dev/shm/marker'] }, { detach: true });
        expect(detached.exitCode).toBe(0);
        await until('the detached exec to write its marker', () => {
          const res = execFileSync('sh', ['-c', `cat /proc/${created.initPid}/root/dev/shm/marker 2>/dev/null || true`], { encoding: 'utf8' });
          return res === 'detached\n';
        });
        // exec -d as Docker's: answered once the process runs, its exit code when it ends; a
        // process that cannot start is the runtime's error (from its --log file).
        await h.driver.exec(def.id, { ...proc, args: ['mkfifo', '/dev/shm/go'] });
        const bg = await h.driver.execDetached(def.id, { ...proc, args: ['sh', '-c', 'read x < /dev/shm/go; echo noise; exit 5'] });
        // (runc writes the pid before its init's execve: the same process, shortly the shell)
        await until('the detached exec to run', () => readFileSync(`/proc/${bg.pid}/cmdline`, 'utf8') === 'sh\0-c\0read x < /dev/shm/go; echo noise; exit 5\0');
        const bgExit = { code: undefined as number | null | undefined };
        void bg.done.then((c) => (bgExit.code = c));
        await new Promise((r) => setTimeout(r, 50));
        expect(bgExit.code).toBeUndefined(); // still running: it waits on the fifo
        await h.driver.exec(def.id, { ...proc, args: ['sh', '-c', 'echo go > /dev/shm/go'] });
        expect(await bg.done).toBe(5);
        const refused = await h.driver.execDetached(def.id, { ...proc, args: ['/no/such/binary'] }).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(refused).toMatchObject({ code: 'invalid' });
        expect(String((refused as Error).message)).toMatch(/no\/such\/binary/);
        record('detached exec refused', runtime, (refused as { code?: string }).code);
        // Streaming: the caller's stdin reaches the process, with and without a terminal.
        const piped = await h.driver.execStream(def.id, { ...proc, args: ['sh', '-c', 'cat; test -t 0 || echo no-tty; exit 4'] });
        const pipedOut = collect(piped.child.stdout);
        piped.child.stdin?.end('ping\n');
        expect(await piped.done).toBe(4);
        expect(await pipedOut).toBe('ping\nno-tty\n');
        await expect(h.driver.exec(`${def.id}-missing`, { ...proc, args: ['true'] })).rejects.toSatisfy(isNotFound);
        record('exec', runtime, [r.exitCode, r.stdout.toString(), who.stdout.toString()]);
      } finally {
        await h.remove(def.id);
      }
    });

    it('an exec is never more privileged than its container', async () => {
      const def = h.definition({ args: ['sleep', '1000'], capDrop: ['ALL'], capAdd: ['CHOWN'], noNewPrivileges: true, env: ['PATH=/bin', 'A=container'] });
      const status = ['sh', '-c', 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; echo A=$A B=$B'];
      const expected = 'CapEff:\t0000000000000001\nCapBnd:\t0000000000000001\nNoNewPrivs:\t1\n';
      try {
        await h.create(def);
        await h.driver.start(def.id);
        // No capabilities given: the driver fills in the container's.
        const bare = await h.driver.exec(def.id, { user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/', args: status });
        expect(bare.stdout.toString()).toBe(`${expected}A= B=\n`);
        // Docker's exec process built from the container's spec.
        const spec = buildSpec(def);
        const docker = await h.driver.exec(def.id, execProcess(spec, { args: status, env: ['B=exec'] }));
        expect(docker.stdout.toString()).toBe(`${expected}A=container B=exec\n`);
        record('exec-privileges', runtime, docker.stdout.toString());
      } finally {
        await h.remove(def.id);
      }
    });

    // The runtime on its own, given a process without capabilities, noNewPrivileges or
    // rlimits: each comes from the container as it was created (runc's rule), never "all
    // capabilities" by omission, and not from a bundle edited afterwards.
    it(`the runtime itself gives a bare exec the container's capabilities, no_new_privs and rlimits`, async () => {
      const def = h.definition({ args: ['sleep', '1000'], capDrop: ['ALL'], capAdd: ['CHOWN'], noNewPrivileges: true, ulimits: [{ name: 'nofile', soft: 321, hard: 654 }] });
      try {
        await h.create(def);
        await h.driver.start(def.id);
        const config = path.join(h.paths(def.id).bundle, 'config.json');
        const loosened = JSON.parse(readFileSync(config, 'utf8')) as { process: Record<string, unknown> };
        const all = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'];
        loosened.process = { ...loosened.process, capabilities: { bounding: all, effective: all, permitted: all }, noNewPrivileges: false, rlimits: [] };
        writeFileSync(config, JSON.stringify(loosened));
        const file = path.join(await h.scratch('raw-exec'), 'process.json');
        const script = 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status; grep "^Max open files" /proc/self/limits';
        writeFileSync(file, JSON.stringify({ user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/', args: ['sh', '-c', script] }));
        const res = await runCli(h.driver.invocation, ['exec', '--process', file, def.id]);
        expect(res.stderr).toBe('');
        const lines = res.stdout.split('\n');
        expect(lines.slice(0, 3)).toEqual(['CapPrm:\t0000000000000001', 'CapEff:\t0000000000000001', 'CapBnd:\t0000000000000001']);
        // runc 1.1 and crun 1.8 read an absent noNewPrivileges as false and absent rlimits as
        // none (the caller's); berth-core takes the container's, as Docker's exec does (it
        // starts from the container's process) and newer runc does for rlimits.
        if (runtime === 'berth-core') {
          expect(lines[3]).toBe('NoNewPrivs:\t1');
          expect(lines[4]).toMatch(/^Max open files\s+321\s+654\s+files\s*$/);
        }
        record('bare-exec-capabilities', runtime, lines.slice(0, 3));
      } finally {
        await h.remove(def.id);
      }
    });

    // runc and crun run under script(1) and give the process that terminal; berth-core runs
    // on the driver's pipes and proxies a pty of its own (no --console-socket).
    it('streams an exec on a terminal, stdin included', async () => {
      const def = h.definition({ args: ['sleep', '1000'] });
      try {
        await h.create(def);
        await h.driver.start(def.id);
        const onTty = await h.driver.execStream(def.id, { user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/', args: ['sh', '-c', 'test -t 0 && test -t 1 && echo tty=yes; read l; echo got=$l; exit 5'] }, { tty: true });
        const out = collect(onTty.child.stdout);
        onTty.child.stdin?.write('hello\n');
        // stdin stays open until the process is done: script(1) turns an early EOF into a ^D
        // on the terminal, racing the command's start.
        const code = await onTty.done;
        onTty.child.stdin?.end();
        expect(code).toBe(5);
        const text = await out;
        expect(text).toContain('tty=yes\r\n');
        expect(text).toContain('got=hello\r\n');
        record('tty-exec', runtime, code);
      } finally {
        await h.remove(def.id);
      }
    });

    it('creates, runs and execs into several containers at once', async () => {
      const defs = [0, 1, 2, 3, 4].map((n) => h.definition({ args: ['sh', '-c', `echo container-${n}; exec sleep 1000`], hostname: `par-${n}` }));
      try {
        await Promise.all(defs.map(async (d) => {
          await h.create(d);
          await h.driver.start(d.id);
        }));
        const proc = { user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/' };
        const outs = await Promise.all(defs.flatMap((d) => [1, 2].map(() => h.driver.exec(d.id, { ...proc, args: ['hostname'] }))));
        expect(outs.map((o) => o.stdout.toString())).toEqual(defs.flatMap((_, n) => [`par-${n}\n`, `par-${n}\n`]));
        await Promise.all(defs.map((d) => h.driver.kill(d.id, 'KILL')));
        const exits = await Promise.all(defs.map((d) => waitForExit(h.paths(d.id).stateDir)));
        expect(exits.map((e) => e.exitCode)).toEqual([137, 137, 137, 137, 137]);
        const logs = await Promise.all(defs.map((d) => h.output(d.id)));
        expect(logs.map((l) => l.stdout)).toEqual([0, 1, 2, 3, 4].map((n) => `container-${n}\n`));
      } finally {
        await Promise.all(defs.map((d) => h.remove(d.id)));
      }
    });

    it('refuses verbs in the wrong state as conflicts', async () => {
      const def = h.definition({ args: ['sleep', '1000'] });
      const messages: string[] = [];
      const conflict = async (what: Promise<unknown>) => {
        const err = await what.then(() => undefined, (e: unknown) => e);
        messages.push(String((err as Error | undefined)?.message));
        expect(err, messages.at(-1)).toMatchObject({ code: 'conflict' });
      };
      try {
        await h.create(def);
        await conflict(h.driver.resume(def.id));
        await h.driver.start(def.id);
        await conflict(h.driver.start(def.id));
        await conflict(h.driver.resume(def.id));
        await conflict(h.driver.delete(def.id));
        await h.driver.kill(def.id, 'KILL');
        await waitForExit(h.paths(def.id).stateDir);
        await conflict(h.driver.start(def.id));
        await conflict(h.driver.pause(def.id));
      } finally {
        await h.remove(def.id);
      }
    });

    it('refuses to create a container whose id is taken', async () => {
      const def = h.definition({ args: ['sleep', '1000'] });
      try {
        await h.create(def);
        await expect(h.driver.create({ id: def.id, bundle: h.paths(def.id).bundle, stateDir: `${h.paths(def.id).stateDir}-2`, logPath: `${h.paths(def.id).logPath}-2` })).rejects.toMatchObject({ code: 'already_exists' });
      } finally {
        await h.remove(def.id);
      }
    });
  });
}

describe('runtimes agree', () => {
  it('every observation is the same under every runtime that ran', () => {
    for (const [key, byRuntime] of seen) {
      const [first, ...rest] = [...byRuntime.entries()];
      if (!first) continue;
      for (const [runtime, value] of rest) expect(value, `${key}: ${runtime} vs ${first[0]}`).toEqual(first[1]);
    }
  });
});
