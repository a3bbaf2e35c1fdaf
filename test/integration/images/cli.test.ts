import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerImageCommands } from '../../../src/cli/image/index.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { useImageEngine } from './image-engine.js';

useLeakCheck();

const engine = useImageEngine('cli');

/** Run `berth <args>` in-process against the test engine; collect stdout, stderr and the exit code. */
async function berth(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command('berth').option('-H, --host <socket>').exitOverride();
  registerImageCommands(program);
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString();
    return true;
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(['--host', `unix://${engine.socket}`, ...args], { from: 'user' });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('berth image commands', () => {
  let id = '';

  it('berth import FILE REF with --change and --message', async () => {
    const r = await berth('import', busyboxTarball(), 'cli/bb:1', '-c', 'CMD ["sh"]', '--change', 'ENV X=1', '-m', 'hello');
    expect(r.code).toBe(0);
    id = r.out.trim();
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('berth images: Docker table, -q, --no-trunc, json and templates', async () => {
    const table = await berth('images');
    const [header, row] = table.out.trimEnd().split('\n');
    expect(header).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(row).toMatch(new RegExp(`^cli/bb\\s+1\\s+${id.slice(7, 19)}\\s+(Less than a second|\\d+ seconds?) ago\\s+\\d`));
    expect((await berth('images', '-q')).out).toBe(`${id.slice(7, 19)}\n`);
    expect((await berth('image', 'ls', '-q', '--no-trunc')).out).toBe(`${id}\n`);
    const json = JSON.parse((await berth('images', '--format', 'json')).out) as Record<string, string>;
    expect(json).toMatchObject({ Repository: 'cli/bb', Tag: '1', ID: id.slice(7, 19) });
    expect((await berth('images', '--format', '{{.Repository}}:{{.Tag}}')).out).toBe('cli/bb:1\n');
    expect((await berth('images', 'nothing-like-this')).out.trim().split('\n')).toHaveLength(1);
  });

  it('berth tag and berth image inspect', async () => {
    expect((await berth('tag', 'cli/bb:1', 'cli/bb:2')).code).toBe(0);
    expect((await berth('image', 'ls', 'cli/bb', '--format', '{{.Tag}}')).out.split('\n').filter(Boolean).sort()).toEqual(['1', '2']);
    expect((await berth('image', 'inspect', '-f', '{{.Config.Cmd}}', 'cli/bb:2')).out).toBe('["sh"]\n');
    const full = JSON.parse((await berth('image', 'inspect', 'cli/bb:1')).out) as { Id: string; Comment: string }[];
    expect(full[0]).toMatchObject({ Id: id, Comment: 'hello' });
    const missing = await berth('image', 'inspect', 'nope:1');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No such image: nope:1/);
  });

  it('berth image history', async () => {
    const table = await berth('image', 'history', 'cli/bb:1');
    const [header, row] = table.out.trimEnd().split('\n');
    expect(header).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(row).toMatch(new RegExp(`^${id.slice(7, 19)}\\s+.* ago\\s+2\\.\\d+MB\\s+hello$`));
    expect((await berth('image', 'history', '-q', '--no-trunc', 'cli/bb:1')).out).toBe(`${id}\n`);
  });

  it('berth save, rmi, load round trip in both formats', async () => {
    const docker = path.join(engine.root, 'bb.tar');
    const oci = path.join(engine.root, 'bb-oci.tar');
    expect((await berth('save', '-o', docker, 'cli/bb:1')).code).toBe(0);
    expect((await berth('image', 'save', '--format', 'oci', '-o', oci, 'cli/bb:2')).code).toBe(0);
    expect(existsSync(docker) && existsSync(oci)).toBe(true);
    const rmi = await berth('rmi', 'cli/bb:1', 'cli/bb:2');
    expect(rmi.out).toBe(`Untagged: cli/bb:1\nUntagged: cli/bb:2\nDeleted: ${id}\n`);
    expect((await berth('load', '-i', docker)).out).toBe('Loaded image: cli/bb:1\n');
    expect((await berth('image', 'load', '-i', oci)).out).toBe('Loaded image: cli/bb:2\n');
    expect((await berth('images', '-q', '--no-trunc')).out).toBe(`${id}\n`);
    expect((await berth('image', 'rm', '-f', id)).out).toContain(`Deleted: ${id}`);
  });

  it('berth image prune removes dangling images, -a every unused one', async () => {
    await berth('import', busyboxTarball(), 'prune/me:1', '-c', 'CMD ["a"]');
    await berth('import', busyboxTarball(), 'prune/me:1', '-c', 'CMD ["b"]'); // the first becomes dangling
    const dangling = await berth('image', 'prune', '-f');
    expect(dangling.out).toMatch(/^Deleted Images:\ndeleted: sha256:[a-f0-9]{64}\n\nTotal reclaimed space: 0B\n$/);
    expect((await berth('images', '--format', '{{.Repository}}:{{.Tag}}')).out).toBe('prune/me:1\n');
    const all = await berth('image', 'prune', '-a', '-f');
    expect(all.out).toMatch(/untagged: prune\/me:1\ndeleted: sha256:[a-f0-9]{64}\n\nTotal reclaimed space: 2\.\d+MB/);
    expect((await berth('images', '-q')).out).toBe('');
  });

  it('failures: unknown image, bad format, bad reference', async () => {
    const r = await berth('rmi', 'nope');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No such image/);
    expect((await berth('save', '--format', 'zip', '-o', path.join(engine.root, 'x'), 'a')).code).toBe(2);
    const bad = await berth('tag', 'nope', 'Bad:Ref');
    expect(bad.code).toBe(1);
  });
});
