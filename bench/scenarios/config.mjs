// Process start to exit of `berth config -q` (load, interpolate, merge, schema check,
// normalize, consistency) on a 5-service project and on a generated 300-service
// project. Median of 15 runs each, after one warm-up run. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'config';
export const describe = 'berth config -q, process start to exit (median of 15)';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
// Timed through bin/berth, the command a user runs.
const bin = path.join(root, 'bin', 'berth');
const RUNS = 15;

function service(i, total) {
  const deps = i > 0 ? `\n    depends_on: [svc${(i * 7) % i}]` : '';
  return `  svc${i}:
    image: "registry.example/app\${TAG:-:1.0}"
    command: ["serve", "--id", "${i}"]
    ports: ["${10000 + i}:80"]
    environment:
      INDEX: "${i}"
      TOTAL: "${total}"
    volumes: ["data${i % 10}:/data", "./conf:/conf:ro"]
    healthcheck: {test: ["CMD", "true"], interval: 30s, retries: 3}
    networks: [front, back]${deps}
`;
}

function project(count) {
  const volumes = Array.from({ length: Math.min(count, 10) }, (_, i) => `  data${i}: {}\n`).join('');
  return `services:\n${Array.from({ length: count }, (_, i) => service(i, count)).join('')}networks:\n  front: {}\n  back: {internal: true}\nvolumes:\n${volumes}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Wall time is what the user waits; CPU time (user + sys, from /usr/bin/time when present)
// is printed beside it because on a shared, loaded machine wall time mostly measures the
// other processes.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(dir) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i <= RUNS; i++) {
    const argv = TIME ? [TIME, '-f', 'cpu %U %S', bin, 'config', '-q'] : [bin, 'config', '-q'];
    const start = process.hrtime.bigint();
    const res = spawnSync(argv[0], argv.slice(1), { cwd: dir, env: { ...process.env, COMPOSE_FILE: '' }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) throw new Error(`berth config -q failed: ${res.stderr}`);
    if (i === 0) continue;
    wall.push(ms);
    const m = /cpu ([\d.]+) ([\d.]+)/.exec(res.stderr);
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wall: Math.round(median(wall)), cpu: cpu.length > 0 ? Math.round(median(cpu)) : undefined };
}

export async function run() {
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run npm run build first');
  const base = mkdtempSync(path.join(tmpdir(), 'berth-bench-config-'));
  try {
    const rows = [];
    for (const [count, target] of [
      [5, '≤ 120 ms'],
      [300, '≤ 500 ms'],
    ]) {
      const dir = path.join(base, `p${count}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'compose.yaml'), project(count));
      const { wall, cpu } = measure(dir);
      rows.push({ label: `config -q, ${count} services (wall)`, value: wall, unit: 'ms', target });
      if (cpu !== undefined) rows.push({ label: `config -q, ${count} services (cpu user+sys)`, value: cpu, unit: 'ms' });
    }
    const bare = spawnSync(process.execPath, ['-e', ''], { encoding: 'utf8' });
    if (bare.status === 0) {
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        spawnSync(process.execPath, ['-e', '']);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      rows.push({ label: 'node -e "" (baseline process start)', value: Math.round(median(times)), unit: 'ms' });
    }
    return rows;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
