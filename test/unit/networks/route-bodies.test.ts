import { describe, expect, it } from 'vitest';
import { parseConnectBody, parseCreateBody } from '../../../src/daemon/routes/networks.js';

describe('network route bodies', () => {
  it('take a Docker network create body', () => {
    expect(
      parseCreateBody({ Name: 'n', Driver: 'bridge', Internal: true, Labels: { a: 'b' }, IPAM: { Driver: 'default', Config: [{ Subnet: '10.1.0.0/16', Gateway: '10.1.0.1' }] }, Options: {} }),
    ).toEqual({ Name: 'n', Driver: 'bridge', Internal: true, Labels: { a: 'b' }, Options: {}, IPAM: { Driver: 'default', Config: [{ Subnet: '10.1.0.0/16', Gateway: '10.1.0.1' }] } });
  });

  it('refuse malformed create bodies with the field named', () => {
    expect(() => parseCreateBody(undefined)).toThrow(/JSON object/);
    expect(() => parseCreateBody({})).toThrow(/Name is required/);
    expect(() => parseCreateBody({ Name: 'n', Internal: 'yes' })).toThrow(/Internal must be a boolean/);
    expect(() => parseCreateBody({ Name: 'n', Labels: { a: 1 } })).toThrow(/Labels/);
    expect(() => parseCreateBody({ Name: 'n', IPAM: { Config: {} } })).toThrow(/IPAM.Config must be a list/);
  });

  it('take connect bodies with aliases and a fixed address', () => {
    expect(parseConnectBody({ Container: 'c', EndpointConfig: { Aliases: ['x'], IPAMConfig: { IPv4Address: '10.1.0.9' } } })).toEqual({ container: 'c', aliases: ['x'], ipv4Address: '10.1.0.9' });
    expect(parseConnectBody({ Container: 'c', Force: true })).toEqual({ container: 'c', aliases: [] });
    expect(() => parseConnectBody({ EndpointConfig: {} })).toThrow(/Container is required/);
    expect(() => parseConnectBody({ Container: 'c', EndpointConfig: { Aliases: 'x' } })).toThrow(/Aliases/);
  });
});
