'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
// Entry of berth (dist/cli/main.js) and berthd (dist/daemon/main.js), copied there by
// scripts/build-bundle.mjs. It runs bundle.cjs, the program bundled by esbuild, as a
// vm.Script with V8's code cache (bundle.cache, written at build time by a training run):
// V8 then neither parses nor compiles what the cache holds, at every start. A cache from
// another Node or V8 (or other V8 flags) is rejected by V8 and the script compiles as usual.
// CommonJS, not an ES module: Node's ES module loader alone costs ~7 ms at start.
const { readdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** `<name>.cjs` next to this file, compiled with its code cache `<name>.cache` when there is one. */
function compile(name) {
  const file = path.join(__dirname, `${name}.cjs`);
  let cachedData;
  try {
    cachedData = readFileSync(path.join(__dirname, `${name}.cache`));
  } catch {
    // No cache (not built yet): V8 compiles from source.
  }
  // The wrapper stays on the first line so that line numbers in stack traces are the bundle's.
  // latin1: build-bundle.mjs writes ASCII only, so no UTF-8 decoding is needed.
  const source = `(function (exports, require, module, __filename, __dirname, __berthSide) {${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    // import() of a package left outside the bundle, if any, goes through Node's own loader.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return { file, script };
}

/**
 * Runs `<name>.cjs` and returns its module.exports. `bundle` is the program; the others
 * are side bundles (large libraries only some commands need), which the program loads
 * through the `__berthSide` parameter.
 */
function run(name) {
  const { file, script } = compile(name);
  scripts.set(name, script);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, __dirname, side);
  return mod.exports;
}

function side(name) {
  if (!loaded.has(name)) loaded.set(name, run(name));
  return loaded.get(name);
}

const scripts = new Map();
const loaded = new Map();
// The training run (scripts/build-bundle.mjs; BERTH_WRITE_CODE_CACHE names this directory)
// writes the caches at exit: they then hold what V8 compiled while the program ran, lazily
// compiled functions too, not just the top level. Scripts the run did not load get their
// top level cached.
if (process.env.BERTH_WRITE_CODE_CACHE === __dirname) {
  process.once('exit', () => {
    for (const f of readdirSync(__dirname)) {
      const name = f.endsWith('.cjs') ? f.slice(0, -'.cjs'.length) : undefined;
      if (name === undefined) continue;
      const script = scripts.get(name) ?? compile(name).script;
      const cacheFile = path.join(__dirname, `${name}.cache`);
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    }
  });
}
run('bundle');
