import { describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES, computeCapabilities, DEFAULT_CAPABILITIES, normalizeCapability } from '../../../src/runtime/capabilities.js';

const sorted = (caps: readonly string[]) => ALL_CAPABILITIES.filter((c) => caps.includes(c));

describe('capability arithmetic (Docker semantics)', () => {
  it('defaults to Docker\'s 14 capabilities', () => {
    expect(computeCapabilities({})).toEqual(sorted(DEFAULT_CAPABILITIES));
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
  });

  it('accepts names with or without CAP_, in any case', () => {
    expect(normalizeCapability('net_admin')).toBe('CAP_NET_ADMIN');
    expect(normalizeCapability('CAP_SYS_ADMIN')).toBe('CAP_SYS_ADMIN');
    expect(normalizeCapability('all')).toBe('ALL');
  });

  it('refuses unknown names as invalid, naming the field', () => {
    expect(() => computeCapabilities({ capAdd: ['CAP_FLY'] })).toThrow(/cap_add: unknown capability "CAP_FLY"/);
    expect(() => computeCapabilities({ capDrop: ['nope'] })).toThrow(expect.objectContaining({ code: 'invalid' }));
  });

  it('drops then adds; an added capability survives a drop of the same one', () => {
    const caps = computeCapabilities({ capAdd: ['NET_ADMIN', 'CHOWN'], capDrop: ['CHOWN', 'KILL'] });
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_CHOWN');
    expect(caps).not.toContain('CAP_KILL');
    expect(caps).toHaveLength(14);
  });

  it('cap_drop ALL leaves only cap_add', () => {
    expect(computeCapabilities({ capDrop: ['ALL'], capAdd: ['net_bind_service'] })).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(computeCapabilities({ capDrop: ['ALL'] })).toEqual([]);
  });

  it('cap_add ALL gives everything except what cap_drop names', () => {
    const caps = computeCapabilities({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] });
    expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(caps).not.toContain('CAP_SYS_ADMIN');
  });

  it('cap_add ALL with cap_drop ALL is everything, as in Docker', () => {
    expect(computeCapabilities({ capAdd: ['ALL'], capDrop: ['ALL'] })).toEqual([...ALL_CAPABILITIES]);
  });

  it('privileged is every capability regardless of cap_drop', () => {
    expect(computeCapabilities({ privileged: true, capDrop: ['CHOWN'] })).toEqual([...ALL_CAPABILITIES]);
  });

  it('knows the kernel\'s 41 capabilities in number order', () => {
    expect(ALL_CAPABILITIES).toHaveLength(41);
    expect(ALL_CAPABILITIES[21]).toBe('CAP_SYS_ADMIN');
    expect(ALL_CAPABILITIES[40]).toBe('CAP_CHECKPOINT_RESTORE');
  });
});
