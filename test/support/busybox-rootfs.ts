import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// A minimal root filesystem from Debian's busybox-static, built once per machine and
// shared read-only by tests (bundles mount it read-only or copy it; images import its
// tarball). Same layout as ../shared/bench/make-busybox-rootfs.sh.

export const TEST_CACHE = process.env.BERTH_TEST_CACHE ?? '/tmp/berth-test-cache';
const BUSYBOX = process.env.BUSYBOX ?? '/bin/busybox';

export function busyboxRootfs(): string {
  const dir = path.join(TEST_CACHE, 'busybox-rootfs');
  if (existsSync(path.join(dir, '.complete'))) return dir;
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} not found: apt-get install busybox-static`);
  mkdirSync(TEST_CACHE, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'var/run', 'www', 'usr']) mkdirSync(path.join(tmp, d), { recursive: true });
  symlinkSync('../bin', path.join(tmp, 'usr/bin'));
  symlinkSync('../sbin', path.join(tmp, 'usr/sbin'));
  chmodSync(path.join(tmp, 'tmp'), 0o1777);
  chmodSync(path.join(tmp, 'root'), 0o700);
  copyFileSync(BUSYBOX, path.join(tmp, 'bin/busybox'));
  chmodSync(path.join(tmp, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) {
    const link = path.join(tmp, 'bin', a);
    if (!existsSync(link)) symlinkSync('busybox', link);
  }
  writeFileSync(path.join(tmp, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  writeFileSync(path.join(tmp, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\nextra:x:2000:app\n');
  writeFileSync(path.join(tmp, 'etc/hosts'), '');
  writeFileSync(path.join(tmp, 'etc/resolv.conf'), '');
  writeFileSync(path.join(tmp, 'etc/hostname'), 'bb\n');
  writeFileSync(path.join(tmp, 'www/index.html'), 'busybox rootfs\n');
  writeFileSync(path.join(tmp, '.complete'), '');
  try {
    renameSync(tmp, dir);
  } catch {
    // another worker won the race; theirs is identical
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** A deterministic tarball of the busybox rootfs (for `berth import` and image tests). */
export function busyboxTarball(): string {
  const tar = path.join(TEST_CACHE, 'busybox-rootfs.tar');
  if (existsSync(tar)) return tar;
  const rootfs = busyboxRootfs();
  const tmp = `${tar}.tmp-${process.pid}`;
  execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--exclude=./.complete', '-C', rootfs, '-cf', tmp, '.']);
  renameSync(tmp, tar);
  return tar;
}
