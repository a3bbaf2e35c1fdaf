import { describe, expect, it } from 'vitest';
import { toRows } from '../../../src/cli/image/images.js';
import { parseFilterFlags } from '../../../src/cli/flag-values.js';
import { renderTemplate, shortImageId } from '../../../src/cli/image/format.js';
import { splitRepoTag } from '../../../src/client/images.js';
import { referenceMatches } from '../../../src/daemon/routes/images.js';

const id = `sha256:${'ab'.repeat(32)}`;
const now = 1_700_000_000_000;

describe('image list rows', () => {
  it('one row per tag, <none> for untagged images, newest first', () => {
    const rows = toRows(
      [
        { Id: id, ParentId: '', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Created: now / 1000 - 7200, Size: 4_260_000, VirtualSize: 4_260_000, SharedSize: -1, Labels: null, Containers: -1 },
        { Id: id, ParentId: '', RepoTags: ['a:1', 'localhost:5000/b:2'], RepoDigests: [], Created: now / 1000 - 30, Size: 1200, VirtualSize: 1200, SharedSize: -1, Labels: null, Containers: -1 },
      ],
      true,
      now,
    );
    expect(rows.map((r) => [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size])).toEqual([
      ['a', '1', 'abababababab', '30 seconds ago', '1.2kB'],
      ['localhost:5000/b', '2', 'abababababab', '30 seconds ago', '1.2kB'],
      ['<none>', '<none>', 'abababababab', '2 hours ago', '4.26MB'],
    ]);
  });

  it('templates, filters, ids, repo:tag splitting and reference globs', () => {
    expect(renderTemplate('{{.Repository}}\\t{{ .Tag }}', { Repository: 'a', Tag: '1' })).toBe('a\t1');
    expect(renderTemplate('{{json .}}', { A: 1 })).toBe('{"A":1}');
    expect(() => renderTemplate('{{.Nope}}', {})).toThrow(/unknown field/);
    expect(parseFilterFlags(['dangling=true', 'label=a=b', 'label=c'])).toEqual({ dangling: ['true'], label: ['a=b', 'c'] });
    expect(() => parseFilterFlags(['bad'])).toThrow();
    expect(shortImageId(id)).toBe('abababababab');
    expect(splitRepoTag('localhost:5000/x')).toEqual({ repo: 'localhost:5000/x', tag: undefined });
    expect(splitRepoTag('localhost:5000/x:1')).toEqual({ repo: 'localhost:5000/x', tag: '1' });
    expect(referenceMatches('busybox', 'busybox:latest')).toBe(true);
    expect(referenceMatches('busy*', 'busybox:1')).toBe(true);
    expect(referenceMatches('*', 'me/app:1')).toBe(false);
    expect(referenceMatches('me/*:1', 'me/app:1')).toBe(true);
    expect(referenceMatches('busybox:2', 'busybox:1')).toBe(false);
  });
});
