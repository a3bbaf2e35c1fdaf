// runtime: `run` of /bin/true in a busybox bundle under berth-core, runc and crun (median of N
// runs each, hyperfine -N when installed, otherwise spawnSync timing), and the fork+exec floor.
// The bundle is `runc spec` with args /bin/true, terminal false and a read-only busybox root, the
// same for every runtime. Debian's crun 1.8 refuses this host's hybrid cgroups, so (as in
// ../shared/bench/lib.sh in_nocg2) crun is timed inside a private mount namespace where the
// cgroup2 mount is unmounted; berth-core is measured there too, for a like-for-like row.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'runtime';
export const describe = 'run /bin/true: berth-core vs runc vs crun (median ms), fork+exec floor';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE = path.join(root, 'dist', 'native', 'berth-core');
const WORK = process.env.BENCH_DIR ?? '/tmp/berth-bench-runtime';
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function makeRootfs() {
  const dir = path.join(WORK, 'rootfs');
  if (existsSync(path.join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'root']) mkdirSync(path.join(dir, d), { recursive: true });
  copyFileSync('/bin/busybox', path.join(dir, 'bin/busybox'));
  chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  for (const a of ['true', 'sh']) symlinkSync('busybox', path.join(dir, 'bin', a));
  writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

function makeBundle(rt, rootfs) {
  const dir = path.join(WORK, `bundle-${rt}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('runc', ['spec'], { cwd: dir });
  const c = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  c.process.args = ['/bin/true'];
  c.process.terminal = false;
  c.root = { path: rootfs, readonly: true };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(c, null, 1));
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median wall ms of `cmd`; nocg2: inside a private mount ns without the cgroup2 mount. */
function measure(cmd, nocg2 = false) {
  const wrap = (argv) => (nocg2 ? ['unshare', '-m', '--propagation', 'private', '--', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', ...argv] : argv);
  if (has('hyperfine')) {
    const out = path.join(WORK, 'hf.json');
    const quoted = cmd.map((a) => `'${a}'`).join(' ');
    const argv = wrap(['hyperfine', '-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, quoted]);
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return JSON.parse(readFileSync(out, 'utf8')).results[0].median * 1e3;
  }
  const times = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const argv = wrap(cmd);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1));
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i >= 3) times.push(Number(t1 - t0) / 1e6);
  }
  return median(times);
}

export async function run() {
  if (!existsSync(CORE)) throw new Error(`${CORE} missing: npm run build`);
  if (!has('runc')) throw new Error('runc is needed for `runc spec` (the shared bundle)');
  mkdirSync(WORK, { recursive: true });
  const rootfs = makeRootfs();
  const rows = [];
  const fmt = (x) => Math.round(x * 100) / 100;
  const state = (rt) => path.join(WORK, `state-${rt}`);

  const core = measure([CORE, '--root', state('core'), 'run', '--bundle', makeBundle('core', rootfs), 'bench-core']);
  rows.push({ label: 'berth-core run /bin/true (host, hybrid cgroups)', value: fmt(core), unit: 'ms' });
  const runc = measure(['runc', '--root', state('runc'), 'run', '--bundle', makeBundle('runc', rootfs), 'bench-runc']);
  rows.push({ label: 'runc run /bin/true (host)', value: fmt(runc), unit: 'ms' });
  let crun;
  if (has('crun')) {
    crun = measure(['crun', '--root', state('crun'), 'run', '--bundle', makeBundle('crun', rootfs), 'bench-crun'], true);
    rows.push({ label: 'crun run /bin/true (private mnt ns, no cgroup2)', value: fmt(crun), unit: 'ms' });
    const coreNs = measure([CORE, '--root', state('core'), 'run', '--bundle', path.join(WORK, 'bundle-core'), 'bench-core-ns'], true);
    rows.push({ label: 'berth-core run /bin/true (same private mnt ns as crun)', value: fmt(coreNs), unit: 'ms' });
    rows.push({ label: 'ratio berth-core / crun (host row)', value: fmt(core / crun), unit: '×', target: '≤ 0.8' });
    rows.push({ label: 'ratio berth-core / crun (same ns)', value: fmt(coreNs / crun), unit: '×', target: '≤ 0.8' });
  }
  rows.push({ label: 'ratio berth-core / runc', value: fmt(core / runc), unit: '×' });
  rows.push({ label: 'fork+exec floor: /bin/true', value: fmt(measure(['/bin/true'])), unit: 'ms' });
  return rows;
}
