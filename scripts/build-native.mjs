// Compiles the runtime core (src/runtime/core, C) into dist/native/ during `npm install`.
// Needs a C compiler and make; when they are missing, say which Debian packages to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src', 'runtime', 'core');
const out = path.join(root, 'dist', 'native');

if (!existsSync(path.join(src, 'Makefile'))) {
  console.error('build-native: no src/runtime/core/Makefile; nothing to build');
  process.exit(0);
}
for (const tool of ['cc', 'make']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`build-native: '${tool}' not found. berth-core is C and is compiled at install time: apt-get install gcc make libc6-dev`);
    process.exit(1);
  }
}
mkdirSync(out, { recursive: true });
execFileSync('make', ['-s', '-C', src, `OUT=${out}`], { stdio: 'inherit' });
