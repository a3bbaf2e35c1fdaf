import { describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../src/engine/networks/dns-forward.js';
import { hostnameFile, hostsFile, resolvConf } from '../../../src/engine/networks/etc-files.js';
import { subnetsFromAddrs, subnetsFromRoutes } from '../../../src/engine/networks/host-routes.js';
import { formatCidr } from '../../../src/engine/networks/cidr.js';

describe('etc files', () => {
  it('writes hosts with localhost lines and the own address', () => {
    const text = hostsFile({ hostname: 'abc123', ip: '172.18.0.2', extraHosts: [{ name: 'gw', ip: '10.0.0.1' }] });
    expect(text.split('\n')[0]).toBe('127.0.0.1\tlocalhost');
    expect(text).toContain('10.0.0.1\tgw\n');
    expect(text.endsWith('172.18.0.2\tabc123\n')).toBe(true);
    expect(hostsFile({ hostname: 'x' })).not.toContain('\tx');
    expect(hostnameFile('abc')).toBe('abc\n');
  });

  it('points resolv.conf at the given nameserver with ndots:0 by default', () => {
    expect(resolvConf({ nameservers: ['172.18.0.1'], search: ['corp'] })).toMatch(/nameserver 172\.18\.0\.1\nsearch corp\noptions ndots:0\n$/);
    expect(resolvConf({ nameservers: ['172.18.0.1'], options: [] })).not.toContain('options');
  });
});

describe('host parsing', () => {
  it('reads nameservers from resolv.conf', () => {
    expect(parseResolvConf('# c\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nsearch x\nnameserver bogus\n')).toEqual([
      { address: '127.0.0.53', port: 53 },
      { address: 'fe80::1', port: 53 },
    ]);
  });

  it('reads subnets from ip -j route and ip -j addr', () => {
    const routes = subnetsFromRoutes([{ dst: 'default' }, { dst: '10.1.0.0/16' }, { dst: '192.0.2.2' }]);
    expect(routes.map(formatCidr)).toEqual(['10.1.0.0/16', '192.0.2.2/32']);
    const addrs = subnetsFromAddrs([{ addr_info: [{ family: 'inet', local: '192.0.2.2', prefixlen: 24 }, { family: 'inet6', local: 'fd00::2', prefixlen: 64 }] }]);
    expect(addrs.map(formatCidr)).toEqual(['192.0.2.0/24']);
  });
});
