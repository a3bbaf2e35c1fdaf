import { describe, expect, it } from 'vitest';
import { familiarName, familiarString, formatReference, normalizeTagged, parseReference, withDefaultTag } from '../../../src/engine/images/reference.js';

describe('image references (Docker normalization rules)', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['me/app', 'docker.io/me/app:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox:x', 'docker.io/library/busybox:x'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/a/b:tag', 'localhost:5000/a/b:tag'],
    ['ghcr.io/o/x:2', 'ghcr.io/o/x:2'],
    ['my-registry.local:5000/team/app_v2:1.0-rc.1', 'my-registry.local:5000/team/app_v2:1.0-rc.1'],
  ];
  it.each(cases)('normalizes %s', (input, want) => {
    expect(normalizeTagged(input)).toBe(want);
  });

  it('keeps digests and does not add a tag to them', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    const ref = withDefaultTag(parseReference(`busybox@${d}`));
    expect(ref.tag).toBeUndefined();
    expect(formatReference(ref)).toBe(`docker.io/library/busybox@${d}`);
    expect(() => normalizeTagged(`busybox@${d}`)).toThrow(/digest/);
  });

  it('shows the familiar form', () => {
    expect(familiarName('docker.io/library/busybox')).toBe('busybox');
    expect(familiarName('docker.io/me/app')).toBe('me/app');
    expect(familiarName('docker.io/library/a/b')).toBe('library/a/b');
    expect(familiarName('ghcr.io/o/x')).toBe('ghcr.io/o/x');
    expect(familiarString(parseReference('localhost:5000/x:1'))).toBe('localhost:5000/x:1');
  });

  it.each(['', 'Busybox', 'x/UPPER', 'a//b', 'a:', 'a:bad tag', '-a', 'a/-b', ':tag', 'a@sha256:123', `${'a'.repeat(64)}`, 'a b'])('refuses %j', (input) => {
    expect(() => parseReference(input)).toThrow(expect.objectContaining({ code: 'invalid' }) as Error);
  });

  it('accepts separators Docker accepts inside components', () => {
    expect(normalizeTagged('ab__c-d---e/f_g.h')).toBe('docker.io/ab__c-d---e/f_g.h:latest');
  });
});
