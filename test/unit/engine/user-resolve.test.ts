import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveUser } from '../../../src/engine/containers/user-resolve.js';

const rootfs = mkdtempSync(path.join(tmpdir(), 'berth-user-'));
mkdirSync(path.join(rootfs, 'etc'));
writeFileSync(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000:web:/home/web:/bin/sh\n');
writeFileSync(path.join(rootfs, 'etc', 'group'), 'root:x:0:\nweb:x:1000:\nstaff:x:50:web\n');
afterAll(() => rmSync(rootfs, { recursive: true, force: true }));

describe("a container's user, read from its image's passwd and group files as runc does", () => {
  it('takes names, numbers and user:group', async () => {
    expect(await resolveUser(rootfs, 'web')).toMatchObject({ uid: 1000, gid: 1000, home: '/home/web', additionalGids: [50] });
    expect(await resolveUser(rootfs, '1000:50')).toMatchObject({ uid: 1000, gid: 50 });
    expect(await resolveUser(rootfs, '4242')).toMatchObject({ uid: 4242, gid: 0 });
    expect(await resolveUser(rootfs, 'web:staff')).toMatchObject({ uid: 1000, gid: 50 });
  });

  it('splits at the first colon only: "1:2:3" names group "2:3", which no group file has', async () => {
    await expect(resolveUser(rootfs, '1:2:3')).rejects.toThrow('unable to find group 2:3: no matching entries in group file');
    await expect(resolveUser(rootfs, 'nobody-here')).rejects.toThrow('unable to find user nobody-here');
  });
});
