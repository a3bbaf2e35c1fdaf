import { describe, expect, it } from 'vitest';
import { isConflict, isInvalid } from '../../../src/errors.js';
import { formatCidr, formatIpv4, overlaps, parseCidr, parseIpv4 } from '../../../src/engine/networks/cidr.js';
import { allocateAddress, defaultCandidates, describePlan, pickSubnet, planSubnet } from '../../../src/engine/networks/ipam.js';
import { macFromIpv4 } from '../../../src/engine/networks/mac.js';

const cidr = (t: string) => parseCidr(t);

describe('cidr', () => {
  it('parses, formats and compares IPv4 networks', () => {
    expect(formatIpv4(parseIpv4('192.168.10.255'))).toBe('192.168.10.255');
    expect(formatCidr(parseCidr('10.1.2.3/8', true))).toBe('10.0.0.0/8');
    expect(() => parseCidr('10.1.2.3/8')).toThrow(/host bits/);
    expect(() => parseIpv4('1.2.3.256')).toThrow();
    expect(overlaps(cidr('172.18.0.0/16'), cidr('172.18.5.0/24'))).toBe(true);
    expect(overlaps(cidr('172.18.0.0/16'), cidr('172.19.0.0/16'))).toBe(false);
  });
});

describe('pickSubnet', () => {
  it("follows Docker's default pools: 172.17-31 /16s, then 192.168.x.0/20", () => {
    const all = defaultCandidates().map(formatCidr);
    expect(all[0]).toBe('172.17.0.0/16');
    expect(all[14]).toBe('172.31.0.0/16');
    expect(all[15]).toBe('192.168.0.0/20');
    expect(all[16]).toBe('192.168.16.0/20');
  });

  it('skips pools overlapping taken subnets, including a routed /24 inside a pool', () => {
    const taken = [cidr('172.17.0.0/16'), cidr('172.18.3.0/24')];
    expect(formatCidr(pickSubnet(taken))).toBe('172.19.0.0/16');
  });

  it('fails with unavailable when every pool is taken', () => {
    expect(() => pickSubnet([cidr('0.0.0.0/0')])).toThrow(/no free address pool/);
  });
});

describe('planSubnet', () => {
  it('honours an explicit subnet, gateway and range', () => {
    const plan = planSubnet({ Subnet: '10.50.0.0/16', Gateway: '10.50.0.254', IPRange: '10.50.8.0/24' }, [], []);
    expect(describePlan(plan)).toEqual({ Subnet: '10.50.0.0/16', Gateway: '10.50.0.254', IPRange: '10.50.8.0/24' });
  });

  it('refuses an explicit subnet overlapping another network as a conflict', () => {
    let err: unknown;
    try {
      planSubnet({ Subnet: '172.18.128.0/17' }, [cidr('172.18.0.0/16')], []);
    } catch (e) {
      err = e;
    }
    expect(isConflict(err)).toBe(true);
  });

  it('refuses a gateway or range outside the subnet', () => {
    expect(() => planSubnet({ Subnet: '10.9.0.0/24', Gateway: '10.9.1.1' }, [], [])).toThrow(/gateway/);
    expect(() => planSubnet({ Subnet: '10.9.0.0/24', IPRange: '10.9.0.0/23' }, [], [])).toThrow(/range/);
    expect(() => planSubnet({ Gateway: '10.9.0.1' }, [], [])).toThrow(/need a Subnet/);
  });

  it('picks a default pool avoiding our networks and host routes', () => {
    const plan = planSubnet(undefined, [cidr('172.17.0.0/16')], [cidr('172.18.0.0/16')]);
    expect(describePlan(plan)).toEqual({ Subnet: '172.19.0.0/16', Gateway: '172.19.0.1' });
  });
});

describe('allocateAddress', () => {
  const plan = planSubnet({ Subnet: '10.7.0.0/29' }, [], []);

  it('hands out the lowest free host address, skipping gateway and used ones', () => {
    expect(formatIpv4(allocateAddress(plan, new Set()))).toBe('10.7.0.2');
    expect(formatIpv4(allocateAddress(plan, new Set([parseIpv4('10.7.0.2')])))).toBe('10.7.0.3');
  });

  it('runs out after the last host address (broadcast is never used)', () => {
    const used = new Set(['10.7.0.2', '10.7.0.3', '10.7.0.4', '10.7.0.5', '10.7.0.6'].map(parseIpv4));
    expect(() => allocateAddress(plan, used)).toThrow(/no free address/);
  });

  it('honours a fixed address, or says why not', () => {
    expect(formatIpv4(allocateAddress(plan, new Set(), '10.7.0.6'))).toBe('10.7.0.6');
    const taken = (() => {
      try {
        allocateAddress(plan, new Set([parseIpv4('10.7.0.6')]), '10.7.0.6');
      } catch (e) {
        return e;
      }
    })();
    expect(isConflict(taken)).toBe(true);
    expect(() => allocateAddress(plan, new Set(), '10.7.0.1')).toThrow(/gateway/);
    const outside = (() => {
      try {
        allocateAddress(plan, new Set(), '10.7.1.6');
      } catch (e) {
        return e;
      }
    })();
    expect(isInvalid(outside)).toBe(true);
  });

  it('allocates inside IPRange only', () => {
    const ranged = planSubnet({ Subnet: '10.8.0.0/16', IPRange: '10.8.4.0/24' }, [], []);
    expect(formatIpv4(allocateAddress(ranged, new Set()))).toBe('10.8.4.0');
  });
});

describe('macFromIpv4', () => {
  it('is 02:42 followed by the address bytes, like Docker', () => {
    expect(macFromIpv4('172.18.0.2')).toBe('02:42:ac:12:00:02');
  });
});
