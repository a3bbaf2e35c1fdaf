import { describe, expect, it } from 'vitest';
import { renderRuleset } from '../../../src/engine/networks/firewall-ruleset.js';
import { acceptRules, bridgeOfRule } from '../../../src/engine/networks/iptables-accept.js';

describe('renderRuleset', () => {
  it('only deletes the table when no network is live', () => {
    expect(renderRuleset({ networks: [], ports: [] }, 'berth-x')).toBe('table ip berth-x\ndelete table ip berth-x\n');
  });

  it('masquerades non-internal subnets, isolates bridges, shuts internal ones in', () => {
    const text = renderRuleset({
      networks: [
        { bridge: 'br-b', subnet: '172.19.0.0/16', internal: true },
        { bridge: 'br-a', subnet: '172.18.0.0/16', internal: false },
      ],
      ports: [],
    });
    expect(text).toContain('elements = { "br-a", "br-b" }');
    expect(text).toContain('ip saddr 172.18.0.0/16 oifname != @bridges masquerade');
    expect(text).not.toContain('172.19.0.0/16 oifname');
    expect(text).toContain('iifname "br-a" oifname @bridges drop');
    expect(text).toContain('iifname "br-b" drop');
    expect(text).toContain('oifname "br-b" drop');
    // the same bridge is accepted before the isolation drop
    expect(text.indexOf('iifname "br-a" oifname "br-a" accept')).toBeLessThan(text.indexOf('iifname "br-a" oifname @bridges drop'));
  });
});

it('leaves out NAT for a network that turned masquerading off', () => {
  const text = renderRuleset({ networks: [{ bridge: 'br-c', subnet: '10.3.0.0/24', internal: false, masquerade: false }], ports: [] });
  expect(text).not.toContain('masquerade');
  expect(text).toContain('iifname "br-c" oifname @bridges drop');
});

describe('DNAT for published ports', () => {
  it('sends outside traffic for a host port to the container, leaving local clients to the proxy', () => {
    const text = renderRuleset({
      networks: [{ bridge: 'br-a', subnet: '172.18.0.0/16', internal: false }],
      ports: [
        { protocol: 'udp', hostIp: '127.0.0.1', hostPort: 53, targetIp: '172.18.0.3', targetPort: 53 },
        { protocol: 'tcp', hostIp: '', hostPort: 8080, targetIp: '172.18.0.2', targetPort: 80 },
        { protocol: 'tcp', hostIp: 'fd00::2', hostPort: 8081, targetIp: '172.18.0.2', targetPort: 81 },
      ],
    });
    expect(text).toContain('type nat hook prerouting priority dstnat;');
    expect(text).toContain('iifname != @bridges iifname != "lo" fib daddr type local tcp dport 8080 dnat to 172.18.0.2:80');
    expect(text).toContain('ip daddr 127.0.0.1 udp dport 53 dnat to 172.18.0.3:53');
    expect(text).not.toContain('8081');
  });
});

describe('iptables accept rules', () => {
  it('are tagged so only ours are found again', () => {
    const [rule] = acceptRules('berth', 'br-abc');
    expect(bridgeOfRule('berth', `-A DOCKER-USER ${(rule ?? []).join(' ')}`)).toBe('br-abc');
    expect(bridgeOfRule('berth', '-A DOCKER-USER -i br-abc -m comment --comment berth-1234 -j ACCEPT')).toBeUndefined();
    expect(bridgeOfRule('berth', '-A FORWARD -i docker0 -j ACCEPT')).toBeUndefined();
  });
});
