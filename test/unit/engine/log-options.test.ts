import { describe, expect, it } from 'vitest';
import { jsonLogLimits, parseSize, shimLogLimits } from '../../../src/engine/containers/log-options.js';

describe('json-file log options (as dockerd checks them)', () => {
  it("parses sizes as Docker's FromHumanSize (1000-based)", () => {
    expect(parseSize('10m')).toBe(10_000_000);
    expect(parseSize('2k')).toBe(2000);
    expect(parseSize('1.5g')).toBe(1_500_000_000);
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('10 kib')).toBe(10_000);
    expect(parseSize('123')).toBe(123);
    expect(parseSize('ten')).toBeUndefined();
    expect(parseSize('-1')).toBeUndefined();
  });

  it('accepts max-size, max-file and the options that change nothing; refuses the rest with dockerd\'s messages', () => {
    expect(jsonLogLimits({})).toEqual({ maxFiles: 1 });
    expect(jsonLogLimits({ 'max-size': '10m', 'max-file': '3' })).toEqual({ maxSize: 10_000_000, maxFiles: 3 });
    expect(jsonLogLimits({ 'max-file': '3', compress: 'true', labels: 'a', tag: 't', mode: 'non-blocking' })).toEqual({ maxFiles: 3 });
    expect(() => jsonLogLimits({ foo: 'bar' })).toThrow("unknown log opt 'foo' for json-file log driver");
    expect(() => jsonLogLimits({ 'max-size': 'big' })).toThrow("invalid size: 'big'");
    expect(() => jsonLogLimits({ 'max-size': '0' })).toThrow('max-size must be a positive number');
    expect(() => jsonLogLimits({ 'max-file': '0' })).toThrow('max-file cannot be less than 1');
    expect(() => jsonLogLimits({ 'max-file': 'x' })).toThrow('strconv.Atoi: parsing "x": invalid syntax');
    expect(() => jsonLogLimits({ compress: 'maybe' })).toThrow('strconv.ParseBool');
  });

  it('gives the shim its flags only when there is a size to rotate at; a bad old record rotates nothing', () => {
    expect(shimLogLimits({ 'max-size': '1k', 'max-file': '2' })).toEqual({ logMaxSize: 1000, logMaxFiles: 2 });
    expect(shimLogLimits({ 'max-file': '2' })).toEqual({});
    expect(shimLogLimits({ nonsense: '1' })).toEqual({});
  });
});
