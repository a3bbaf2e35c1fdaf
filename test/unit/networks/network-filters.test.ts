import { describe, expect, it } from 'vitest';
import { matchesFilters, parseFiltersParam } from '../../../src/engine/networks/network-filters.js';
import type { NetworkState } from '../../../src/engine/networks/state.js';

const net: NetworkState = {
  version: 1,
  id: 'abcdef0123456789',
  name: 'proj_default',
  created: '2026-01-01T00:00:00.000Z',
  driver: 'bridge',
  internal: false,
  attachable: false,
  enableIPv6: false,
  labels: { 'com.docker.compose.project': 'proj' },
  options: {},
  ipamOptions: {},
  predefined: false,
  dnsNames: true,
  endpoints: {},
};

describe('network filters', () => {
  it('match name (substring), id prefix, label, driver, type, dangling', () => {
    expect(matchesFilters(net, { name: ['default'] })).toBe(true);
    expect(matchesFilters(net, { id: ['abcd'] })).toBe(true);
    expect(matchesFilters(net, { id: ['bcd'] })).toBe(false);
    expect(matchesFilters(net, { label: ['com.docker.compose.project=proj'] })).toBe(true);
    expect(matchesFilters(net, { label: ['com.docker.compose.project=other'] })).toBe(false);
    expect(matchesFilters(net, { label: ['com.docker.compose.project'] })).toBe(true);
    expect(matchesFilters(net, { driver: ['bridge'], type: ['custom'] })).toBe(true);
    expect(matchesFilters(net, { dangling: ['true'] })).toBe(true);
    expect(matchesFilters(net, { until: ['2025-01-01T00:00:00Z'] })).toBe(false);
  });

  it('refuse unknown filters and parse both wire forms', () => {
    expect(() => matchesFilters(net, { colour: ['red'] })).toThrow(/invalid filter/);
    expect(parseFiltersParam('{"label":{"a=b":true},"name":["x"]}')).toEqual({ label: ['a=b'], name: ['x'] });
    expect(() => parseFiltersParam('[1]')).toThrow();
  });
});
