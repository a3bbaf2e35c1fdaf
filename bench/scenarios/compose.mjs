// Compose up/down on berth's own engine, with the anchor fixtures (copied from
// ../shared/bench/fixtures into compose-fixtures/, image bb:latest):
//   `berth -f F -p P up -d --wait` until every container is running/healthy, and `down`
//   (web-db: `down -v`). chain10 is also run with its 1 s health interval cut to 100 ms.
// A private berthd (own BERTH_ROOT/BERTH_RUN/socket under /tmp) is started and stopped.
// BENCH_RUNS (default 3) runs per figure; the median is reported. BENCH_CASES=chain10fast,fan30
// runs only those fixtures (chain10, chain10fast, fan30, web-db).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'compose';
export const describe = 'berth up -d --wait → all ready, and down: chain10 (1 s / 100 ms health interval), fan30, web-db';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const CLI = path.join(repo, 'dist', 'cli', 'main.js');
const CLI_BIN = path.join(repo, 'bin', 'berth');
const DAEMON_BIN = path.join(repo, 'bin', 'berthd');
const DAEMON = path.join(repo, 'dist', 'daemon', 'main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const targets = {
  'chain10 up → all ready': '≤ 10600 ms',
  'chain10 (100 ms interval) up → all ready': '≤ 1500 ms',
  'fan30 up → all ready': '≤ 850 ms',
  'fan30 down': '≤ 500 ms',
};

export async function run() {
  if (!existsSync(CLI) || !existsSync(DAEMON)) throw new Error('berth is not built: npm run build');
  const base = mkdtempSync('/tmp/berth-bench-');
  const socket = path.join(base, 'berth.sock');
  const env = { ...process.env, BERTH_ROOT: path.join(base, 'root'), BERTH_RUN: path.join(base, 'run'), BERTH_HOST: `unix://${socket}`, NO_COLOR: '1' };
  delete env.DOCKER_HOST;
  const daemon = spawn(DAEMON_BIN, ['--host', `unix://${socket}`, '--log-file', path.join(base, 'berthd.log')], { env, stdio: 'ignore' });
  const rows = [];
  /** Projects brought up, each with its compose file: taken down if a run fails half-way. */
  const up = new Map();
  try {
    await until(() => answers(socket), 15000, 'berthd');
    const tarball = path.join(process.env.BERTH_EXAMPLES_CACHE ?? '/tmp/berth-examples', 'bb-rootfs.tar');
    if (!existsSync(tarball)) execFileSync(path.join(repo, 'examples', 'lib', 'busybox-rootfs.sh'), [tarball], { stdio: 'inherit' });
    berth(env, base, ['import', tarball, 'bb:latest']);

    const fixtures = path.join(base, 'fixtures');
    cpSync(path.join(here, 'compose-fixtures'), fixtures, { recursive: true });
    mkdirSync(path.join(fixtures, 'chain10fast'), { recursive: true });
    writeFileSync(path.join(fixtures, 'chain10fast', 'compose.yaml'), readFileSync(path.join(fixtures, 'chain10', 'compose.yaml'), 'utf8').replace(/interval: 1s/g, 'interval: 100ms'));

    // [label, fixture dir, down flags, health interval of a chain (ms)]
    const cases = [
      ['chain10', 'chain10', [], 1000],
      ['chain10 (100 ms interval)', 'chain10fast', [], 100],
      ['fan30', 'fan30', []],
      ['web-db', 'web-db', ['-v']],
    ];
    const only = process.env.BENCH_CASES?.split(',');
    for (const [label, dir, downFlags, interval] of cases) {
      if (only && !only.includes(dir)) continue;
      const file = path.join(fixtures, dir, 'compose.yaml');
      const project = `bench_${dir}`;
      up.set(project, file);
      const ups = [];
      const downs = [];
      const firsts = [];
      const links = [];
      for (let i = 0; i < RUNS; i++) {
        const wall0 = Date.now();
        const t0 = performance.now();
        berth(env, base, ['-f', file, '-p', project, '--progress', 'quiet', 'up', '-d', '--wait']);
        await until(() => allReady(socket, project), 30000, `${project} ready`);
        ups.push(performance.now() - t0);
        if (interval !== undefined) {
          // Where a chain's time goes: launch → first container started (CLI start, network,
          // create, start), and per link what a start costs beyond the health interval
          // (start → probe after the interval → health event → the next start request).
          const started = await startTimes(socket, project);
          firsts.push(started[0] - wall0);
          links.push(median(started.slice(1).map((t, k) => t - started[k] - interval)));
        }
        const t1 = performance.now();
        berth(env, base, ['-f', file, '-p', project, '--progress', 'quiet', 'down', ...downFlags]);
        downs.push(performance.now() - t1);
        if (downFlags.length === 0) berth(env, base, ['-f', file, '-p', project, '--progress', 'quiet', 'down', '-v']);
      }
      up.delete(project);
      for (const [what, values] of [[`${label} up → all ready`, ups], [`${label} down${downFlags.length ? ' -v' : ''}`, downs]]) {
        rows.push({ label: `${what} (runs: ${values.map((v) => Math.round(v)).join(', ')})`, value: Math.round(median(values)), unit: 'ms', target: targets[what] });
      }
      if (interval !== undefined) {
        rows.push({ label: `  ${label}: launch → first container started (runs: ${firsts.join(', ')})`, value: Math.round(median(firsts)), unit: 'ms' });
        rows.push({ label: `  ${label}: per link beyond the interval, median (runs: ${links.map((v) => Math.round(v)).join(', ')})`, value: Math.round(median(links)), unit: 'ms' });
      }
    }
  } finally {
    // berthd leaves containers running when it stops: whatever a failed run left up goes first.
    for (const [project, file] of up) {
      try {
        berth(env, base, ['-f', file, '-p', project, '--progress', 'quiet', 'down', '-v', '-t', '0']);
      } catch (err) {
        process.stderr.write(`bench: down ${project}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    daemon.kill('SIGTERM');
    await new Promise((resolve) => (daemon.exitCode !== null ? resolve() : daemon.once('exit', resolve)));
    removeScratch(base);
  }
  return rows;
}

function berth(env, cwd, args) {
  return execFileSync(CLI_BIN, [...args], { env, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The same readiness the anchor poller checks, asked of the engine directly (not through
 * another CLI process, whose start would be counted): every container Up, and healthy
 * where it has a check.
 */
async function allReady(socket, project) {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  const rows = JSON.parse(await get(socket, `/v1.41/containers/json?all=1&filters=${filters}`));
  return rows.length > 0 && rows.every((r) => r.State === 'running' && !/\((health: starting|unhealthy)\)/.test(r.Status));
}

/**
 * The private berthd's scratch dir. One that still has mounts (containers a failed down
 * left running: berthd leaves them when it stops) is left in place and named on stderr
 * rather than half removed; a failure is reported, not thrown, so the figures measured
 * are still printed.
 */
function removeScratch(base) {
  try {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(`${base}/`));
    if (mounts.length > 0) throw new Error(`still mounted: ${mounts.join(', ')}`);
    rmSync(base, { recursive: true, force: true });
  } catch (err) {
    process.stderr.write(`bench: left ${base}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/** StartedAt (ms since the epoch) of the project's containers, in service-name order. */
async function startTimes(socket, project) {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  const rows = JSON.parse(await get(socket, `/v1.41/containers/json?all=1&filters=${filters}`));
  const names = rows.map((r) => r.Names[0].replace(/^\//, '')).sort();
  const inspected = await Promise.all(names.map(async (n) => JSON.parse(await get(socket, `/v1.41/containers/${n}/json`))));
  return inspected.map((c) => Date.parse(c.State.StartedAt));
}

function get(socket, url) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: socket, path: url }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function until(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function answers(socket) {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.on('connect', () => (c.destroy(), resolve(true)));
    c.on('error', () => resolve(false));
  });
}
