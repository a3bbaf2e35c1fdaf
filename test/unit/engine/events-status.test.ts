import { describe, expect, it } from 'vitest';
import { EventBus, matchesEventFilters, parseEventTime } from '../../../src/engine/events.js';
import { humanDuration } from '../../../src/engine/containers/status-text.js';
import { parseFilters } from '../../../src/daemon/filters.js';

describe('event bus', () => {
  it("fills Docker's legacy fields and replays from the ring buffer", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.Action));
    const e = bus.emit('container', 'start', 'abc', { name: 'web', image: 'bb', 'com.docker.compose.project': 'p' });
    expect(e).toMatchObject({ Type: 'container', Action: 'start', status: 'start', id: 'abc', from: 'bb', scope: 'local' });
    bus.emit('network', 'create', 'n1', { name: 'net' });
    expect(seen).toEqual(['start', 'create']);
    expect(bus.past(e.timeNano).map((x) => x.Action)).toEqual(['start', 'create']);
  });

  it("holds a container's events until release (published then, in order) or drop (never)", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`${e.Action} ${e.Actor.Attributes.container ?? e.Actor.ID}`));
    const hold = bus.hold('c1');
    bus.emit('network', 'connect', 'n1', { name: 'net', container: 'c1' });
    bus.emit('network', 'connect', 'n1', { name: 'net', container: 'c2' });
    bus.emit('volume', 'mount', 'v1', { container: 'c1' });
    expect(seen).toEqual(['connect c2']);
    hold.release();
    expect(seen).toEqual(['connect c2', 'connect c1', 'mount c1']);
    bus.emit('network', 'disconnect', 'n1', { container: 'c1' });
    expect(seen.at(-1)).toBe('disconnect c1');
    const dropped = bus.hold('c1');
    bus.emit('network', 'connect', 'n1', { container: 'c1' });
    dropped.drop();
    bus.emit('network', 'disconnect', 'n1', { container: 'c1' });
    expect(seen.slice(3)).toEqual(['disconnect c1', 'disconnect c1']);
    expect(bus.past(0).filter((e) => e.Action === 'connect')).toHaveLength(2);
  });

  it('filters by type, container name, label and event prefix', () => {
    const bus = new EventBus();
    const e = bus.emit('container', 'health_status: healthy', 'abc123', { name: 'web', 'com.docker.compose.project': 'p' });
    expect(matchesEventFilters(e, { type: ['container'], container: ['web'] })).toBe(true);
    expect(matchesEventFilters(e, { container: ['abc'] })).toBe(true);
    expect(matchesEventFilters(e, { label: ['com.docker.compose.project=p'] })).toBe(true);
    expect(matchesEventFilters(e, { label: ['com.docker.compose.project=q'] })).toBe(false);
    expect(matchesEventFilters(e, { event: ['health_status'] })).toBe(true);
    expect(matchesEventFilters(e, { type: ['network'] })).toBe(false);
  });

  it('parses since/until as seconds or RFC 3339', () => {
    expect(parseEventTime('10.5')).toBe(10_500_000_000);
    expect(parseEventTime('1970-01-01T00:00:01Z')).toBe(1_000_000_000);
    // the fraction to the nanosecond (Date.parse alone stops at the millisecond), zones kept
    expect(parseEventTime('1970-01-01T00:00:01.000123456Z')).toBe(1_000_123_456);
    expect(parseEventTime('1970-01-01T01:00:01.5+01:00')).toBe(1_500_000_000);
    expect(parseEventTime('2026-11-23T03:45:46.424417Z')).toBe(Date.parse('2026-11-23T03:45:46Z') * 1_000_000 + 424_417_000);
    expect(parseEventTime('soon')).toBeUndefined();
  });
});

describe('wire helpers', () => {
  it('reads both filter forms', () => {
    expect(parseFilters('{"label":["a=b"],"status":{"running":true}}')).toEqual({ label: ['a=b'], status: ['running'] });
    expect(() => parseFilters('{bad')).toThrow(/invalid filters/);
  });

  it('words durations as Docker does', () => {
    expect(humanDuration(500)).toBe('Less than a second');
    expect(humanDuration(3000)).toBe('3 seconds');
    expect(humanDuration(90_000)).toBe('About a minute');
    expect(humanDuration(3 * 3600_000)).toBe('3 hours');
  });
});
