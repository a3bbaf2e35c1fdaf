import { describe, expect, it } from 'vitest';
import { boolFlagOrOperand, filtersParam, keyValueFlags, parseBoolFlag, parseFilterFlags } from '../../../src/cli/flag-values.js';

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

  it("boolean flags as docker's: bare is true, values as Go's ParseBool, anything else a usage error", () => {
    expect(parseBoolFlag('sig-proxy', undefined, true)).toBe(true);
    expect(parseBoolFlag('sig-proxy', true, false)).toBe(true);
    for (const v of ['false', 'FALSE', 'False', '0', 'f', 'F']) expect(parseBoolFlag('sig-proxy', v, true)).toBe(false);
    for (const v of ['true', 'TRUE', '1', 't']) expect(parseBoolFlag('sig-proxy', v, false)).toBe(true);
    expect(() => parseBoolFlag('sig-proxy', 'bb', true)).toThrow('invalid argument "bb" for "--sig-proxy" flag');
  });

  it('a bare boolean flag before an operand (`--sig-proxy IMAGE`) gives the operand back', () => {
    expect(boolFlagOrOperand('bb', true)).toEqual({ value: true, operand: 'bb' });
    expect(boolFlagOrOperand('false', true)).toEqual({ value: false });
    expect(boolFlagOrOperand(true, false)).toEqual({ value: true });
    expect(boolFlagOrOperand(undefined, true)).toEqual({ value: true });
  });
});
