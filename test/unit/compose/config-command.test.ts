import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerConfig } from '../../../src/cli/config.js';
import { testdir, yaml } from './testdir.js';

// `berth config` in-process: the same global flags as src/cli/main.ts, the command
// registered as commands.ts does, stdout and stderr captured.

function program(): Command {
  const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
  const root = new Command('berth')
    .option('-f, --file <file>', '', collect, undefined)
    .option('-p, --project-name <name>')
    .option('--project-directory <dir>')
    .option('--profile <profile>', '', collect, undefined)
    .option('--env-file <file>', '', collect, undefined)
    .exitOverride();
  registerConfig(root);
  return root;
}

async function run(dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program().parseAsync(['node', 'berth', '--project-directory', dir, '-p', 'demo', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, code };
}

const PROJECT = yaml`
  services:
    web:
      image: nginx
      depends_on: [api]
      volumes: [static:/srv]
    api:
      build: ./api
      profiles: [backend]
      networks: [back]
    tools:
      image: busybox
      profiles: [debug]
  networks:
    back: {}
  volumes:
    static: {}
`;

afterEach(() => {
  process.exitCode = undefined;
});

describe('berth config', () => {
  it('prints the lists', async () => {
    const dir = testdir({ 'compose.yaml': PROJECT });
    expect((await run(dir, '--profile', 'backend', 'config', '--services')).stdout).toBe('api\nweb\n');
    expect((await run(dir, '--profile', 'backend', 'config', '--volumes')).stdout).toBe('static\n');
    expect((await run(dir, '--profile', 'backend', 'config', '--networks')).stdout).toBe('back\ndefault\n');
    expect((await run(dir, 'config', '--profiles')).stdout).toBe('backend\ndebug\n');
    expect((await run(dir, '--profile', 'backend', 'config', '--images')).stdout).toBe('demo-api\nnginx\n');
    const hashes = (await run(dir, '--profile', 'backend', 'config', '--hash', '*')).stdout.trim().split('\n');
    expect(hashes.map((l) => l.split(' ')[0])).toEqual(['api', 'web']);
    expect(hashes.every((l) => /^\S+ [0-9a-f]{64}$/.test(l))).toBe(true);
  });

  it('prints canonical YAML or JSON, to stdout or -o', async () => {
    const dir = testdir({ 'compose.yaml': PROJECT });
    const json = JSON.parse((await run(dir, '--profile', 'backend', 'config', '--format', 'json', 'tools')).stdout) as Record<string, unknown>;
    expect(json.name).toBe('demo');
    expect(Object.keys(json.services as object)).toEqual(['tools']);
    expect((json.services as Record<string, Record<string, unknown>>).tools?.command).toBeNull();
    const file = path.join(dir, 'out.yaml');
    const res = await run(dir, '--profile', 'backend', 'config', '-o', file);
    expect(res.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/^name: demo\nservices:\n/);
  });

  it('is silent with -q and exits 1 with one positioned message on errors', async () => {
    const dir = testdir({ 'compose.yaml': PROJECT });
    expect(await run(dir, '--profile', 'backend', 'config', '-q')).toEqual({ stdout: '', stderr: '', code: 0 });
    // Without the profile, web requires a disabled service: one message, at the entry naming it.
    const disabled = await run(dir, 'config', '-q');
    expect(disabled.code).toBe(1);
    expect(disabled.stderr).toBe(`berth: ${path.join(dir, 'compose.yaml')}:4:18: service "api" is required by "web" but is disabled; it can be enabled by profiles backend\n`);
    const bad = testdir({ 'compose.yaml': 'services:\n  web:\n    image: ${NOPE:?is required}\n' });
    const res = await run(bad, 'config', '-q');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`berth: ${path.join(bad, 'compose.yaml')}:3:12: services.web.image: required variable NOPE is missing a value: is required\n`);
  });

  it('warns once per unset variable, on stderr', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: x$NOPE\n', 'compose.override.yaml': 'services:\n  web:\n    user: $NOPE\n' });
    const res = await run(dir, 'config', '-q');
    expect(res).toEqual({ stdout: '', stderr: 'WARN[0000] The "NOPE" variable is not set. Defaulting to a blank string.\n', code: 0 });
  });

  it('keeps templates with --no-interpolate', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE:?x}\n' });
    expect((await run(dir, 'config', '--no-interpolate', '--format', 'json')).stdout).toContain('"image": "${IMAGE:?x}"');
  });
});
