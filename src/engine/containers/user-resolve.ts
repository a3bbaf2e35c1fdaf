import { readFileSync } from 'node:fs';
import path from 'node:path';
import { invalid } from '../../errors.js';

// Config.User ("name", "uid", "name:group", "uid:gid") → numeric ids, looked up in the
// container's own /etc/passwd and /etc/group as Docker does; supplementary groups are
// the groups that list the user.

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface Entry {
  name: string;
  id: number;
  gid: number;
  home: string;
  members: string[];
}

export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const passwd = parse(await readEtc(rootfs, 'passwd'), 'passwd');
  const groups = parse(await readEtc(rootfs, 'group'), 'group');
  // At the first colon only, as Go's SplitN(spec, ":", 2): "1:2:3" is group "2:3", which no
  // group file names (JS's split(':', 2) would drop the ":3" and take group 2).
  const colon = spec.indexOf(':');
  const userPart = colon < 0 ? spec : spec.slice(0, colon);
  const groupPart = colon < 0 ? undefined : spec.slice(colon + 1);
  let uid = 0;
  let gid = 0;
  let home = '/';
  let userName: string | undefined;
  if (userPart === '') {
    const root = passwd.find((p) => p.id === 0);
    userName = root?.name ?? 'root';
    home = root?.home ?? '/root';
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => p.id === uid);
    if (entry) {
      gid = entry.gid;
      home = entry.home;
      userName = entry.name;
    }
  } else {
    const entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw invalid(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.id;
    gid = entry.gid;
    home = entry.home;
    userName = entry.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((e) => e.name === groupPart);
      if (!g) throw invalid(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.id;
    }
  }
  const additionalGids = userName === undefined ? [] : groups.filter((g) => g.members.includes(userName) && g.id !== gid).map((g) => g.id);
  return { uid, gid, additionalGids, home };
}

// Sync reads: two small files per start, not two thread-pool round trips.
async function readEtc(rootfs: string, name: string): Promise<string> {
  try {
    return readFileSync(path.join(rootfs, 'etc', name), 'utf8');
  } catch {
    return '';
  }
}

function parse(text: string, kind: 'passwd' | 'group'): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (!Number.isInteger(id)) continue;
    if (kind === 'passwd') out.push({ name: f[0] ?? '', id, gid: Number(f[3]) || 0, home: f[5] ?? '/', members: [] });
    else out.push({ name: f[0] ?? '', id, gid: id, home: '', members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}
