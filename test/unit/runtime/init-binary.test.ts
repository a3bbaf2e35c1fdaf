import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeBinary } from '../../../src/config/paths.js';
import { findInitBinary } from '../../../src/runtime/init-binary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-init-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, '');
  return p;
};

describe('init binary lookup', () => {
  it('takes BERTH_INIT_PATH, resolved, and runs it as /sbin/berth-init --', () => {
    expect(findInitBinary({ BERTH_INIT_PATH: '/bin/sh' })).toEqual({ hostPath: realpathSync('/bin/sh'), argvPrefix: ['/sbin/berth-init', '--'] });
  });

  it('is undefined when the configured init does not exist, without falling back', () => {
    expect(findInitBinary({ BERTH_INIT_PATH: '/nonexistent/tini' }, { builtInit: file('built'), hostCandidates: [file('tini')] })).toBeUndefined();
  });

  it("prefers berth's own init to a host's tini", () => {
    const built = file('berth-init');
    expect(findInitBinary({}, { builtInit: built, hostCandidates: [file('tini-static')] })?.hostPath).toBe(built);
  });

  it('falls back to the first static tini on the host when berth-init is not built', () => {
    const tini = file('docker-init');
    expect(findInitBinary({}, { builtInit: path.join(dir, 'missing'), hostCandidates: [path.join(dir, 'no-tini'), tini, file('later')] })).toEqual({ hostPath: tini, argvPrefix: ['/sbin/berth-init', '--'] });
  });

  it('is undefined with neither, and a directory is not an init', () => {
    expect(findInitBinary({}, { builtInit: path.join(dir, 'missing'), hostCandidates: [dir] })).toBeUndefined();
  });

  // What a host without tini (CI) gets: the build's berth-init.
  it.skipIf(!existsSync(nativeBinary('berth-init')))('finds the built dist/native/berth-init with no tini on the host', () => {
    expect(findInitBinary({}, { hostCandidates: [] })?.hostPath).toBe(realpathSync(nativeBinary('berth-init')));
  });
});
