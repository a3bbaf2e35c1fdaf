import { describe, expect, it } from 'vitest';
import { resolveImage } from '../../../src/engine/images/resolve.js';
import type { StoreState } from '../../../src/engine/images/store-index.js';

const id = (c: string, prefix = ''): string => `sha256:${(prefix + c.repeat(64)).slice(0, 64)}`;
const A = id('a', 'abcd');
const B = id('b', 'abce');
const C = id('c');
const manifest = (d: string) => ({ manifest: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d, size: 1 }, added: '' });

const state: StoreState = {
  version: 1,
  images: { [A]: manifest(id('1')), [B]: manifest(id('2')), [C]: manifest(id('3')) },
  refs: { 'docker.io/library/busybox:latest': A, 'docker.io/me/app:1': B, 'docker.io/library/cccc:latest': C },
  layers: {},
};

describe('resolving image names', () => {
  it('by name with normalization', () => {
    expect(resolveImage(state, 'busybox')).toEqual({ id: A, tagged: 'docker.io/library/busybox:latest' });
    expect(resolveImage(state, 'docker.io/library/busybox:latest').id).toBe(A);
    expect(resolveImage(state, 'me/app:1').id).toBe(B);
  });

  it('by full ID, with or without sha256:', () => {
    expect(resolveImage(state, B).id).toBe(B);
    expect(resolveImage(state, B.slice(7)).id).toBe(B);
  });

  it('by unique prefix of at least 4 hex digits; ambiguity is an error', () => {
    expect(resolveImage(state, 'abcd').id).toBe(A);
    expect(resolveImage(state, 'sha256:abce').id).toBe(B);
    expect(() => resolveImage(state, 'abc')).toThrow(expect.objectContaining({ code: 'not_found' }) as Error);
    expect(() => resolveImage(state, 'sha256:ab')).toThrow(expect.objectContaining({ code: 'not_found' }) as Error);
    const two = { ...state, images: { ...state.images, [id('d', 'abcdd')]: manifest(id('4')) } };
    expect(() => resolveImage(two, 'abcd')).toThrow(expect.objectContaining({ code: 'invalid', message: expect.stringMatching(/ambiguous/) as string }) as Error);
  });

  it('a name wins over an ID prefix', () => {
    expect(resolveImage(state, 'cccc').id).toBe(C);
  });

  it('by manifest digest', () => {
    expect(resolveImage(state, `me/app@${id('2')}`)).toEqual({ id: B, digested: `docker.io/me/app@${id('2')}` });
  });

  it('unknown names are not_found', () => {
    expect(() => resolveImage(state, 'nope')).toThrow(expect.objectContaining({ code: 'not_found' }) as Error);
    expect(() => resolveImage(state, 'busybox:2')).toThrow(expect.objectContaining({ code: 'not_found' }) as Error);
  });
});
