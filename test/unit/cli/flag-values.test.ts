import { describe, expect, it } from 'vitest';
import { filtersParam, keyValueFlags, parseBoolFlag, parseFilterFlags, parseIntFlag } from '../../../src/cli/flag-values.js';

describe('KEY=VALUE flags', () => {
  it('filters: repeated names gather, "=" in a value stays, a filter without "=" is docker\'s usage error', () => {
    expect(parseFilterFlags(['label=a=b', 'label=c', 'status=exited'])).toEqual({ label: ['a=b', 'c'], status: ['exited'] });
    expect(() => parseFilterFlags(['dangling'])).toThrow('bad format of filter (expected name=value): dangling');
    expect(filtersParam([])).toBeUndefined();
    expect(filtersParam(['name=web'])).toBe('{"name":["web"]}');
  });

  it('labels and options take a bare KEY as KEY=""; a strict flag (--sysctl) names itself', () => {
    expect(keyValueFlags(['a=1', 'b', 'c=x=y'])).toEqual({ a: '1', b: '', c: 'x=y' });
    expect(keyValueFlags(['net.core.somaxconn=1024'], '--sysctl')).toEqual({ 'net.core.somaxconn': '1024' });
    expect(() => keyValueFlags(['net.core.somaxconn'], '--sysctl')).toThrow('invalid --sysctl "net.core.somaxconn": expected KEY=VALUE');
    expect(() => keyValueFlags(['=1'], '--log-opt')).toThrow('invalid --log-opt "=1"');
  });

  it("boolean flag values as Go's ParseBool reads them; anything else a usage error", () => {
    for (const v of ['false', 'FALSE', 'False', '0', 'f', 'F']) expect(parseBoolFlag('sig-proxy', v)).toBe(false);
    for (const v of ['true', 'TRUE', 'True', '1', 't', 'T']) expect(parseBoolFlag('sig-proxy', v)).toBe(true);
    for (const v of ['bb', '', 'yes', 'no']) expect(() => parseBoolFlag('sig-proxy', v)).toThrow(`invalid argument "${v}" for "--sig-proxy" flag`);
  });
});

describe("docker's integer flags (pflag: strconv.ParseInt)", () => {
  it('reads a whole number, signed; anything else is the usage error docker prints', () => {
    expect(parseIntFlag('pids-limit', '100')).toBe(100);
    expect(parseIntFlag('pids-limit', '-1')).toBe(-1);
    expect(() => parseIntFlag('health-retries', 'x')).toThrow('invalid argument "x" for "--health-retries" flag: strconv.ParseInt: parsing "x": invalid syntax');
    expect(() => parseIntFlag('cpu-shares', '1.5')).toThrow(/invalid syntax/);
    expect(() => parseIntFlag('cpu-shares', '99999999999999999999')).toThrow(/value out of range/);
  });
});
