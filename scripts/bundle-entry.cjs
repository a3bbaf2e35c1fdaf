'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
// Entry of berth (dist/cli/main.js) and berthd (dist/daemon/main.js), copied there by
// scripts/build-bundle.mjs. It runs bundle.cjs (or berth's engine.cjs, below), the program
// bundled by esbuild, as a vm.Script with V8's code cache (<name>.cache, written at build
// time by a training run):
// V8 then neither parses nor compiles what the cache holds, at every start. A cache from
// another Node or V8 (or other V8 flags) is rejected by V8 and the script compiles as usual.
// CommonJS, not an ES module: Node's ES module loader alone costs ~7 ms at start.
const { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

// berth has two programs (see build-bundle.mjs): bundle.cjs, all of it, and engine.cjs, the
// same without the Compose commands (a third of the size: ~2.5 ms less for V8 to read),
// which hands the command line over to bundle.cjs when it names a Compose command after
// all or asks for help. engine.cjs is for a command line with an engine group's word
// (`container run`) or with no word at all (`-v`); a wrong guess costs a few ms, not a
// different result.
const training = process.env.BERTH_WRITE_CODE_CACHE === __dirname;
const ENGINE_WORDS = new Set(['container', 'image', 'images', 'import', 'load', 'save', 'rmi', 'tag', 'network', 'volume']);
const args = process.argv.slice(2);
const engineCommand = args.some((a) => ENGINE_WORDS.has(a)) || !args.some((a) => !a.startsWith('-'));

// A training run that adds to the caches of the runs before it (BERTH_CODE_CACHE_ADD=1) reads
// them: what it writes is then their functions and the ones it compiled besides.
const adding = training && process.env.BERTH_CODE_CACHE_ADD === '1';

/** The code cache of `<name>.cjs`, if any. A training run starts from none (unless adding): what it writes is then what it compiled. */
function readCache(name) {
  if (training && !adding) return undefined;
  try {
    return readFileSync(path.join(__dirname, `${name}.cache`));
  } catch {
    // Not built (yet): V8 compiles from source.
    return undefined;
  }
}

/** `<name>.cjs` next to this file, compiled with its code cache when there is one. */
function compile(name) {
  const file = path.join(__dirname, `${name}.cjs`);
  const cachedData = readCache(name);
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
// The training runs (scripts/build-bundle.mjs; BERTH_WRITE_CODE_CACHE names this directory,
// where they start without caches) write the caches at exit: they then hold what V8 compiled
// while the program ran, lazily compiled functions too, not just the top level. Scripts the
// run did not load get their top level cached, unless an earlier training run cached more.
if (training) {
  process.once('exit', () => {
    for (const f of readdirSync(__dirname)) {
      const name = f.endsWith('.cjs') ? f.slice(0, -'.cjs'.length) : undefined;
      if (name === undefined) continue;
      const file = path.join(__dirname, `${name}.cache`);
      if (!scripts.has(name) && existsSync(file)) continue;
      const script = scripts.get(name) ?? compile(name).script;
      writeFileSync(`${file}.tmp`, script.createCachedData());
      renameSync(`${file}.tmp`, file);
    }
  });
}
run(engineCommand && existsSync(path.join(__dirname, 'engine.cjs')) ? 'engine' : 'bundle');
