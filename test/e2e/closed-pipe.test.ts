import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

// A reader that closes early (`berth config | head -c 1`) ends berth quietly with the
// status of a SIGPIPE death (141), not a stack trace. No engine involved.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync('/tmp/be-pipe-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('berth stops quietly when its output pipe closes', () => {
  // Far more output than a pipe holds, so writes go on after the reader left.
  const services = Array.from({ length: 400 }, (_, i) => `  s${i}:\n    image: bb:latest\n    environment: { LONG: "${'x'.repeat(200)}" }\n`).join('');
  writeFileSync(path.join(dir, 'compose.yaml'), `services:\n${services}`);
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${repo}/bin/berth" config | head -c 1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8' });
  expect(r.stdout.trim()).toBe('status=141');
  expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
});
