// Builds berth (dist/cli/) and berthd (dist/daemon/) with esbuild: each program is one
// CommonJS bundle, bundle.cjs, run by main.js (scripts/bundle-entry.cjs) with a V8 code
// cache, bundle.cache, that a training run writes here.
//
// Why: most of a short command's start was Node loading ~60 ES modules one by one (resolve,
// read, compile, link; commander through the CommonJS loader besides) and V8 compiling them.
// One script per program, read with a code cache, is most of that gone. The lazy loading in
// src/ stays: a dynamic import() becomes a function that initializes its modules on first
// call, so `berth config` still runs no engine client code and `berth container run` no
// compose pipeline; their code is only bytes in the file until then.
//
// Needs dist/compose/schema-validator.js (scripts/build-schema.mjs): it is bundled in place
// of src/compose/precompiled-validator.ts.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** src/compose/precompiled-validator.ts → the precompiled validator, with ajv's runtime helpers bundled too. */
const precompiledValidator = {
  name: 'precompiled-validator',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]compose[\\/]precompiled-validator\.ts$/ }, () => ({
      contents: 'export { default as precompiledValidator } from "./schema-validator.js";',
      resolveDir: path.dirname(validatorFile),
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]compose[\\/]schema-validator\.js$/ }, () => ({
      // build-schema gives the ES module a require() of its own for ajv's helpers; a plain
      // require lets esbuild bundle them.
      contents: readFileSync(validatorFile, 'utf8').replace(/import \{ createRequire \} from "node:module";const require = createRequire\(import\.meta\.url\);/, ''),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

async function bundle(entry, outDir) {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'bundle.cjs');
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The ajv compiler is only for running from src/ without a precompiled validator.
    external: ['ajv'],
    // Code that finds files next to it (config/paths.ts packageRoot(), compose/validate.ts)
    // uses import.meta.url; the bundle is dist/<program>/bundle.cjs, two levels below the
    // package root like every src/<dir>/<file>.ts, so the same relative paths hold.
    define: { 'import.meta.url': '__berthModuleUrl' },
    banner: { js: 'const __berthModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    sourcemap: 'linked',
    plugins: [precompiledValidator],
    logLevel: 'warning',
  });
  // The entry's #! line: the bundle runs inside a function wrapper, where it is a syntax error.
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replace(/^#![^\n]*\n/, ''));
  copyFileSync(path.join(root, 'scripts', 'bundle-entry.cjs'), path.join(outDir, 'main.js'));
  // The package is "type": "module"; main.js is CommonJS.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
}

/** Runs the program once with BERTH_WRITE_CODE_CACHE so that bundle-entry.cjs writes bundle.cache. */
function train(outDir, args, cwd) {
  const cacheFile = path.join(outDir, 'bundle.cache');
  rmSync(cacheFile, { force: true });
  const env = { ...process.env, BERTH_WRITE_CODE_CACHE: cacheFile, COMPOSE_FILE: '' };
  // NODE_OPTIONS would change V8's flags, and V8 rejects a cache made under other flags.
  delete env.NODE_OPTIONS;
  const res = spawnSync(process.execPath, [path.join(outDir, 'main.js'), ...args], { cwd, env, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(cacheFile)) {
    console.error(`build-bundle: training run ${args.join(' ')} failed (status ${res.status}): ${res.stderr}`);
    process.exit(1);
  }
}

await bundle('src/cli/main.ts', path.join(dist, 'cli'));
await bundle('src/daemon/main.ts', path.join(dist, 'daemon'));

// berth: `config -q` on a small project runs commander, the compose pipeline and the schema
// validator, the code of the commands a user runs most; the other commands' top level
// is in the cache too.
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
  train(path.join(dist, 'cli'), ['config', '-q'], project);
} finally {
  rmSync(project, { recursive: true, force: true });
}
// berthd: --help stops before the engine loads; the cache holds the top level of all of it.
train(path.join(dist, 'daemon'), ['--help'], root);
