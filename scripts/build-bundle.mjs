// Builds berth (dist/cli/) and berthd (dist/daemon/) with esbuild: each program is one
// CommonJS bundle, bundle.cjs, run by main.js (scripts/bundle-entry.cjs) with a V8 code
// cache, bundle.cache, that training runs write here (berth's: config, then up -d --wait and
// down against a stand-in engine, adding to it; berth has a second, smaller program
// for its engine commands, engine.cjs: see engineOnly). berth's large libraries that only
// some commands need (the precompiled schema validator, yaml, listr2) are side bundles
// next to it, each with its own cache, loaded on first use: V8's cost to read a cache
// grows with the script, so what `berth -v` or `container run` never runs stays out.
//
// Why: most of a short command's start was Node loading ~60 ES modules one by one (resolve,
// read, compile, link; commander through the CommonJS loader besides) and V8 compiling them.
// One script per program, read with a code cache, is most of that gone. The lazy loading in
// src/ stays: a dynamic import() becomes a function that initializes its modules on first
// call, so `berth config` still runs no engine client code and `berth container run` no
// compose pipeline; their code is only bytes in the file until then.
//
// Needs dist/compose/schema-validator.js (scripts/build-schema.mjs): its side bundle takes
// the place of src/compose/precompiled-validator.ts.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// argv[2] overrides the output directory (to compare builds side by side).
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const validatorFile = path.join(dist, 'compose', 'schema-validator.js');
if (!existsSync(validatorFile)) {
  console.error('build-bundle: dist/compose/schema-validator.js is missing: run scripts/build-schema.mjs first');
  process.exit(1);
}

/** The side bundles of berth: name → esbuild entry. */
const SIDE = { 'schema-validator': validatorFile, yaml: 'yaml', listr2: 'listr2' };

/**
 * In the program, `import … from 'yaml'` (or 'listr2') is the side bundle's exports, and
 * src/compose/precompiled-validator.ts is the precompiled validator's; `__berthSide` is
 * bundle-entry.cjs's loader, a parameter of the script's wrapper.
 */
const sideImports = {
  name: 'side-imports',
  setup(b) {
    b.onResolve({ filter: /^(yaml|listr2)$/ }, (args) => ({ path: args.path, namespace: 'berth-side' }));
    b.onLoad({ filter: /.*/, namespace: 'berth-side' }, (args) => ({ contents: `module.exports = __berthSide(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onLoad({ filter: /[\\/]src[\\/]compose[\\/]precompiled-validator\.ts$/ }, () => ({
      contents: 'export const precompiledValidator = __berthSide("schema-validator").default;',
      loader: 'js',
    }));
  },
};

/**
 * commander requires node:child_process at load, for executable subcommands, which berth
 * has none of; loading it (with net, dgram, streams) is ~5 ms of every start. Here it is
 * required when first used.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'berth-lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'berth-lazy' }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: 'js',
    }));
  },
};

/** build-schema gives the validator (an ES module) a require() of its own for ajv's helpers; a plain require lets esbuild bundle them. */
const validatorSource = {
  name: 'validator-source',
  setup(b) {
    b.onLoad({ filter: /[\\/]compose[\\/]schema-validator\.js$/ }, () => ({
      contents: readFileSync(validatorFile, 'utf8').replace(/import \{ createRequire \} from "node:module";const require = createRequire\(import\.meta\.url\);/, ''),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  // Code that finds files next to it (config/paths.ts packageRoot(), compose/validate.ts)
  // uses import.meta.url; the bundle is dist/<program>/bundle.cjs, two levels below the
  // package root like every src/<dir>/<file>.ts, so the same relative paths hold.
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: 'const __berthModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: 'linked',
  logLevel: 'warning',
  // import() of a Node built-in that src/ loads on first use (node:child_process, for one)
  // becomes a require(): in the vm.Script, a function compiled from the code cache has no
  // dynamic import callback ("A dynamic import callback was not specified").
  supported: { 'dynamic-import': false },
};

/**
 * bundle-entry.cjs reads the scripts as latin1: no UTF-8 decoding, and V8 gets a one-byte
 * string (~2 ms less at each start for berth's bundle). esbuild escapes non-ASCII in strings
 * (charset: 'ascii'); what it leaves, in comments and regular expression literals, is
 * escaped here as \uXXXX, which means the same character there. A non-ASCII character
 * right after a backslash (an identity escape) would change meaning: refuse it.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (/\\[^\x00-\x7f]/.test(text)) throw new Error(`build-bundle: ${file}: a backslash before a non-ASCII character; cannot make it ASCII`);
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * berth's second program, engine.cjs (bundle-entry.cjs runs it for a command line naming an
 * engine group, or none): src/cli/main.ts without the Compose commands, a third of the size,
 * so ~2.5 ms less for V8 to read at each start. config.ts and compose/index.ts are stand-ins
 * there: registering them (the command line names a Compose command after all, or asks for
 * help, which lists every command) runs the whole program, bundle.cjs, on the same command
 * line instead. Commands are registered before anything is parsed or printed, and the
 * stand-in's promise never settles, so the first program does nothing more.
 */
const engineOnly = {
  name: 'engine-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/](config|compose[\\/]index)\.ts$/ }, () => ({
      contents: [
        'const handOff = () => { __berthSide("bundle"); return new Promise(() => {}); };',
        'export const registerConfig = handOff;',
        'export const registerComposeCommands = handOff;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/** esbuild's program `name`.cjs in outDir, ready for bundle-entry.cjs. */
async function program(entry, outDir, name, plugins) {
  const outfile = path.join(outDir, `${name}.cjs`);
  await build({
    ...common,
    entryPoints: [entry],
    outfile,
    // The ajv compiler is only for running from src/ without a precompiled validator.
    external: ['ajv'],
    plugins: [sideImports, lazyChildProcess, ...plugins],
  });
  // The entry's #! line: the bundle runs inside a function wrapper, where it is a syntax error.
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replace(/^#![^\n]*\n/, ''));
  asciiOnly(outfile);
}

async function bundle(entry, outDir, { sides = {}, engine = false } = {}) {
  mkdirSync(outDir, { recursive: true });
  // Scripts and caches of an earlier build: a side bundle no longer built would otherwise
  // linger (the training run caches every *.cjs here).
  for (const f of readdirSync(outDir)) if (/\.(cjs|cjs\.map|cache)$/.test(f)) rmSync(path.join(outDir, f));
  await program(entry, outDir, 'bundle', []);
  if (engine) await program(entry, outDir, 'engine', [engineOnly]);
  for (const [name, sideEntry] of Object.entries(sides)) {
    await build({ ...common, entryPoints: [sideEntry], outfile: path.join(outDir, `${name}.cjs`), plugins: [validatorSource] });
    asciiOnly(path.join(outDir, `${name}.cjs`));
  }
  copyFileSync(path.join(root, 'scripts', 'bundle-entry.cjs'), path.join(outDir, 'main.js'));
  // The package is "type": "module"; main.js is CommonJS.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
}

/** Removes the caches of an earlier build: each training run starts from none. */
function clearCaches(outDir) {
  for (const f of readdirSync(outDir)) if (f.endsWith('.cache')) rmSync(path.join(outDir, f));
}

/** The environment of a training run: BERTH_WRITE_CODE_CACHE makes bundle-entry.cjs write the caches. */
function trainingEnv(outDir) {
  const env = { ...process.env, BERTH_WRITE_CODE_CACHE: outDir, COMPOSE_FILE: '' };
  // NODE_OPTIONS would change V8's flags, and V8 rejects a cache made under other flags.
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * berth's Compose commands as the benchmark and users run them most, `up -d --wait` then
 * `down`, against a stand-in engine on a temporary socket that keeps the containers and
 * networks they make (the answers berthd gives, reduced to the fields berth reads; every
 * container starts running and healthy). Both runs add to the config run's caches
 * (BERTH_CODE_CACHE_ADD): the project pipeline, planner, client and progress code they
 * compile is then in bundle.cache, not compiled at each start.
 */
async function trainCompose(outDir) {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-build-compose-'));
  const socket = path.join(dir, 'engine.sock');
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    `services:
  db:
    image: bb:latest
    command: ["sleep", "3600"]
    healthcheck: {test: ["CMD", "true"], interval: 1s}
    stop_signal: SIGKILL
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    depends_on: {db: {condition: service_healthy}}
`,
  );
  const containers = new Map();
  const networks = new Map();
  let serial = 0;
  const newId = () => (++serial).toString(16).padStart(64, '0');
  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const byName = (ref) => [...containers.values()].find((c) => c.Id === ref || c.Name === ref);
  const inspect = (c) => ({
    Id: c.Id,
    Name: `/${c.Name}`,
    Image: 'sha256:' + 'c'.repeat(64),
    State: { Status: 'running', Running: true, Paused: false, Restarting: false, ExitCode: 0, Health: c.Config.Healthcheck ? { Status: 'healthy', FailingStreak: 0, Log: [] } : undefined },
    Config: c.Config,
    HostConfig: c.HostConfig ?? {},
    Mounts: [],
    NetworkSettings: { Networks: {} },
  });
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://engine');
      const p = url.pathname.replace(/^\/v1\.\d+/, '');
      const m = /^\/containers\/([^/]+)(?:\/(\w+))?$/.exec(p);
      if (p === '/_ping') return json(res, 200, 'OK');
      if (p === '/containers/json') {
        return json(res, 200, [...containers.values()].map((c) => ({ Id: c.Id, Names: [`/${c.Name}`], Image: c.Config.Image, State: 'running', Status: 'Up 1 second', Created: 0, Labels: c.Config.Labels, Mounts: [], Ports: [] })));
      }
      if (p === '/containers/create') {
        const c = { Id: newId(), Name: url.searchParams.get('name') ?? '', ...JSON.parse(body || '{}') };
        c.Config = { Image: c.Image, Labels: c.Labels ?? {}, Healthcheck: c.Healthcheck };
        containers.set(c.Id, c);
        return json(res, 201, { Id: c.Id, Warnings: [] });
      }
      if (m) {
        const c = byName(decodeURIComponent(m[1]));
        if (!c) return json(res, 404, { message: `No such container: ${m[1]}` });
        if (req.method === 'DELETE') containers.delete(c.Id);
        if (m[2] === 'json') return json(res, 200, inspect(c));
        return json(res, 204);
      }
      if (p === '/networks' && req.method === 'GET') return json(res, 200, [...networks.values()]);
      if (p === '/networks/create') {
        const n = JSON.parse(body || '{}');
        const rec = { Id: newId(), Name: n.Name, Driver: 'bridge', Scope: 'local', Labels: n.Labels ?? {}, IPAM: { Config: [] }, Containers: {}, Options: {} };
        networks.set(rec.Name, rec);
        return json(res, 201, { Id: rec.Id, Warning: '' });
      }
      if (p.startsWith('/networks/')) {
        const name = decodeURIComponent(p.slice('/networks/'.length));
        const n = networks.get(name) ?? [...networks.values()].find((x) => x.Id === name);
        if (!n) return json(res, 404, { message: `network ${name} not found` });
        if (req.method === 'DELETE') networks.delete(n.Name);
        return req.method === 'DELETE' ? json(res, 204) : json(res, 200, n);
      }
      if (p === '/volumes') return json(res, 200, { Volumes: [], Warnings: [] });
      if (p.startsWith('/images/')) return json(res, 200, { Id: 'sha256:' + 'c'.repeat(64), RepoTags: ['bb:latest'], Config: {}, Os: 'linux', Architecture: 'amd64' });
      if (p === '/events') {
        // A long poll, as berthd's: the headers now, nothing more until the client goes.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('');
        return;
      }
      return json(res, 404, { message: `build-bundle stand-in engine: no route ${req.method} ${req.url}` });
    });
  });
  await new Promise((resolve) => server.listen(socket, resolve));
  try {
    for (const command of [['up', '-d', '--wait'], ['down']]) {
      const args = ['-H', `unix://${socket}`, '-p', 'train', ...command];
      const env = { ...trainingEnv(outDir), BERTH_CODE_CACHE_ADD: '1' };
      const child = spawn(process.execPath, [path.join(outDir, 'main.js'), ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
      clearTimeout(timer);
      if (status !== 0) {
        console.error(`build-bundle: training run ${args.join(' ')} failed (status ${status}): ${stderr}`);
        process.exit(1);
      }
    }
    if (containers.size > 0 || networks.size > 0) {
      console.error('build-bundle: the compose training run left containers or networks on its stand-in engine');
      process.exit(1);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the program once with BERTH_WRITE_CODE_CACHE so that bundle-entry.cjs writes the caches. */
function train(outDir, args, cwd) {
  const cacheFile = path.join(outDir, 'bundle.cache');
  const res = spawnSync(process.execPath, [path.join(outDir, 'main.js'), ...args], { cwd, env: trainingEnv(outDir), encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(cacheFile)) {
    console.error(`build-bundle: training run ${args.join(' ')} failed (status ${res.status}): ${res.stderr}`);
    process.exit(1);
  }
}

/**
 * engine.cjs's cache (see engineOnly): `container run --rm` against a stand-in engine on a
 * temporary socket, which answers the requests of that command as berthd does (ping,
 * create, attach with one frame of output, wait, start).
 */
async function trainEngine(outDir) {
  // The config run cached engine.cjs's top level: this run must write what it compiles.
  rmSync(path.join(outDir, 'engine.cache'), { force: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-build-engine-'));
  const socket = path.join(dir, 'engine.sock');
  const id = 'b'.repeat(64);
  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    req.resume();
    const url = req.url ?? '';
    if (url === '/_ping') return json(res, 200, 'OK');
    if (url.startsWith('/v1.41/containers/create')) return json(res, 201, { Id: id, Warnings: [] });
    if (url.startsWith(`/v1.41/containers/${id}/wait`)) {
      // A long poll, as berthd's: the headers now, the body when the container is gone.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('');
      setTimeout(() => res.end(JSON.stringify({ StatusCode: 0, Error: null })), 20);
      return;
    }
    if (url.startsWith(`/v1.41/containers/${id}/start`)) return json(res, 204);
    return json(res, 404, { message: `build-bundle stand-in engine: no route ${req.method} ${url}` });
  });
  server.on('upgrade', (_req, sock) => {
    const frame = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('ok\n')]);
    sock.end(Buffer.concat([Buffer.from('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'), frame]));
  });
  await new Promise((resolve) => server.listen(socket, resolve));
  try {
    const args = ['-H', `unix://${socket}`, 'container', 'run', '--rm', 'bb', '/bin/true'];
    const child = spawn(process.execPath, [path.join(outDir, 'main.js'), ...args], { cwd: dir, env: trainingEnv(outDir), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(timer);
    if (status !== 0 || !existsSync(path.join(outDir, 'engine.cache'))) {
      console.error(`build-bundle: training run ${args.join(' ')} failed (status ${status}): ${stderr}`);
      process.exit(1);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await bundle('src/cli/main.ts', path.join(dist, 'cli'), { sides: SIDE, engine: true });
await bundle('src/daemon/main.ts', path.join(dist, 'daemon'));

// berth: `config` on a small project runs commander, the compose pipeline, the schema
// validator and yaml's writer; then trainCompose adds up -d --wait and down (planner,
// client, progress). The other commands' top level is in the cache too.
const project = mkdtempSync(path.join(tmpdir(), 'berth-build-'));
try {
  writeFileSync(
    path.join(project, 'compose.yaml'),
    `services:
  web:
    image: "registry.example/web\${TAG:-:1.0}"
    command: ["serve", "--port", "80"]
    ports: ["8080:80"]
    environment: {MODE: production}
    volumes: ["data:/data", "./conf:/conf:ro"]
    healthcheck: {test: ["CMD", "true"], interval: 30s, retries: 3}
    depends_on: [db]
    networks: [front, back]
  db:
    image: registry.example/db:1
    deploy: {resources: {limits: {memory: 256m}}}
    networks: [back]
networks:
  front: {}
  back: {internal: true}
volumes:
  data: {}
`,
  );
  clearCaches(path.join(dist, 'cli'));
  train(path.join(dist, 'cli'), ['config'], project);
} finally {
  rmSync(project, { recursive: true, force: true });
}
await trainCompose(path.join(dist, 'cli'));
await trainEngine(path.join(dist, 'cli'));
// berthd: --help stops before the engine loads; the cache holds the top level of all of it.
clearCaches(path.join(dist, 'daemon'));
train(path.join(dist, 'daemon'), ['--help'], root);
