import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES, capabilitiesFromMask, computeCapabilities, DEFAULT_CAPABILITIES, normalizeCapability } from '../../../src/runtime/capabilities.js';
import { hostCapabilities } from '../../../src/runtime/host-capabilities.js';

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

describe('capability arithmetic, properties', () => {
  const capName = fc.constantFrom(...ALL_CAPABILITIES);
  // Docker accepts any case and with or without the prefix.
  const spelled = capName.chain((c) => fc.constantFrom(c, c.slice(4), c.slice(4).toLowerCase()));

  it('adds are always in, drops (not re-added) always out, nothing else changes, kernel order kept', () => {
    fc.assert(
      fc.property(fc.array(spelled, { maxLength: 8 }), fc.array(spelled, { maxLength: 8 }), (capAdd, capDrop) => {
        const norm = (c: string) => normalizeCapability(c);
        const adds = new Set(capAdd.map(norm));
        const drops = new Set(capDrop.map(norm));
        const caps = computeCapabilities({ capAdd, capDrop });
        for (const c of adds) expect(caps).toContain(c);
        for (const c of drops) if (!adds.has(c)) expect(caps).not.toContain(c);
        for (const c of caps) expect(adds.has(c) || DEFAULT_CAPABILITIES.includes(c)).toBe(true);
        for (const c of DEFAULT_CAPABILITIES) if (!drops.has(c)) expect(caps).toContain(c);
        expect(caps).toEqual(ALL_CAPABILITIES.filter((c) => caps.includes(c)));
      }),
    );
  });

  it('with cap_drop ALL the result is exactly cap_add', () => {
    fc.assert(
      fc.property(fc.uniqueArray(capName, { maxLength: 10 }), (capAdd) => {
        expect(computeCapabilities({ capAdd, capDrop: ['ALL'] })).toEqual(ALL_CAPABILITIES.filter((c) => capAdd.includes(c)));
      }),
    );
  });
});

describe('capabilities the host can grant', () => {
  it('decodes a /proc status mask', () => {
    expect(capabilitiesFromMask('00000000a80425fb')).toEqual(ALL_CAPABILITIES.filter((c) => DEFAULT_CAPABILITIES.includes(c)));
    expect(capabilitiesFromMask('000001ffffffffff')).toEqual([...ALL_CAPABILITIES]);
  });

  it('reads the bounding set from status text; a sandbox without CAP_SYS_RESOURCE lacks it', () => {
    const caps = hostCapabilities('Name:\tnode\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n');
    expect(caps).toHaveLength(40);
    expect(caps).not.toContain('CAP_SYS_RESOURCE');
  });

  it('privileged and cap_add ALL mean every available capability', () => {
    const available = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_KILL'];
    expect(computeCapabilities({ privileged: true, available })).toEqual(['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN']);
    expect(computeCapabilities({ capAdd: ['ALL'], capDrop: ['KILL'], available })).toEqual(['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_SYS_ADMIN', 'CAP_MKNOD', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP']);
  });
});
