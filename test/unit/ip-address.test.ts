import { describe, expect, it } from 'vitest';
import { isIpAddress, isIpv4, isIpv6 } from '../../src/ip-address.js';

describe('IP address syntax (Go net.ParseIP)', () => {
  it('reads IPv4 as four decimal octets', () => {
    for (const ok of ['0.0.0.0', '127.0.0.1', '255.255.255.255', '10.1.20.3']) expect(isIpv4(ok), ok).toBe(true);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', '1..2.3', 'a.b.c.d', '80:80']) expect(isIpv4(bad), bad).toBe(false);
  });

  it('reads IPv6 with one :: and an IPv4 tail', () => {
    for (const ok of ['::', '::1', '1::', 'fe80::1', '2001:db8:0:0:0:0:0:1', '2001:DB8::8:800:200C:417A', '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7::']) {
      expect(isIpv6(ok), ok).toBe(true);
    }
    for (const bad of ['', ':', ':::', '1:2', '80:80', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', 'g::1', '1.2.3.4::', '::1.2.3', 'fe80::1%eth0', ':1::', '1:2:3:4:5:6:7:1.2.3.4']) {
      expect(isIpv6(bad), bad).toBe(false);
    }
  });

  it('is either', () => {
    expect(isIpAddress('127.0.0.1')).toBe(true);
    expect(isIpAddress('::1')).toBe(true);
    expect(isIpAddress('localhost')).toBe(false);
  });
});
