'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
// Entry of berth (dist/cli/main.js) and berthd (dist/daemon/main.js), copied there by
// scripts/build-bundle.mjs. It runs bundle.cjs, the program bundled by esbuild, as a
// vm.Script with V8's code cache (bundle.cache, written at build time by a training run):
// V8 then neither parses nor compiles what the cache holds, at every start. A cache from
// another Node or V8 (or other V8 flags) is rejected by V8 and the script compiles as usual.
// CommonJS, not an ES module: Node's ES module loader alone costs ~7 ms at start.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, 'bundle.cjs');
const cacheFile = path.join(__dirname, 'bundle.cache');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (not built yet): V8 compiles from source.
}
// The wrapper stays on the first line so that line numbers in stack traces are the bundle's.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
const script = new vm.Script(source, {
  filename: file,
  cachedData,
  // import() of a package left outside the bundle, if any, goes through Node's own loader.
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
// The training run: the cache then holds what V8 compiled while the program ran, lazily
// compiled functions included, not just the top level.
if (process.env.BERTH_WRITE_CODE_CACHE === cacheFile) {
  process.once('exit', () => {
    writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
    renameSync(`${cacheFile}.tmp`, cacheFile);
  });
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(file), mod, file, __dirname);
