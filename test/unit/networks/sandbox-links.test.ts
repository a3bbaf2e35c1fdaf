import { describe, expect, it } from 'vitest';
import { dnsNamesOf } from '../../../src/engine/networks/endpoint-settings.js';
import { bareLines, hostLines, hostVethName, namespaceLines, netcfgLink, nextIfname } from '../../../src/engine/networks/sandbox-links.js';

describe('sandbox link plans', () => {
  const links = [
    { ifname: 'eth0', hostVeth: 'veth0000001', mac: '02:42:ac:12:00:02', cidr: '172.18.0.2/16', bridge: 'br-a', defaultGateway: '172.18.0.1' },
    { ifname: 'eth1', hostVeth: 'veth0000002', mac: '02:42:ac:13:00:02', cidr: '172.19.0.2/16', bridge: 'br-b', mtu: 1400 },
  ];

  it('build the pair from inside the sandbox, peer pushed to the host, route last', () => {
    expect(namespaceLines(links, 4242, true)).toEqual([
      'link set lo up',
      'link add eth0 address 02:42:ac:12:00:02 type veth peer name veth0000001 netns 4242',
      'addr add 172.18.0.2/16 dev eth0',
      'link set eth0 up',
      'link add eth1 mtu 1400 address 02:42:ac:13:00:02 type veth peer name veth0000002 mtu 1400 netns 4242',
      'addr add 172.19.0.2/16 dev eth1',
      'link set eth1 up',
      'route replace default via 172.18.0.1 dev eth0',
    ]);
    expect(hostLines(links)).toEqual(['link set veth0000001 master br-a up', 'link set veth0000002 master br-b up']);
  });

  it('give berth-netcfg one argument per link: endpoint fields only when it is one', () => {
    expect(links.map(netcfgLink)).toEqual([
      'eth0,veth0000001,br-a,0,02:42:ac:12:00:02,172.18.0.2/16,172.18.0.1',
      'eth1,veth0000002,br-b,1400,02:42:ac:13:00:02,172.19.0.2/16',
    ]);
    const bare = { ifname: 'eth0', hostVeth: 'veth0000003', bridge: 'br-c', mtu: undefined };
    expect(netcfgLink(bare)).toBe('eth0,veth0000003,br-c,0');
    expect(bareLines({ ...bare, mtu: 9000 }, 7)).toEqual(['link add eth0 mtu 9000 type veth peer name veth0000003 mtu 9000 netns 7']);
  });

  it('name host veths like Docker and interfaces eth0, eth1, ... reusing gaps', () => {
    expect(hostVethName()).toMatch(/^veth[0-9a-f]{7}$/);
    expect(nextIfname([])).toBe('eth0');
    expect(nextIfname(['eth0', 'eth2'])).toBe('eth1');
  });

  it('answer to the container name, aliases and short ID, without slashes or repeats', () => {
    expect(dnsNamesOf('abcdef0123456789', '/web-1', ['/web-1', 'web', 'abcdef012345'])).toEqual(['web-1', 'web', 'abcdef012345']);
  });
});
