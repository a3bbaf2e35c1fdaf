import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../src/compose/env-file.js';
import { ComposeError } from '../../../src/compose/errors.js';

const parse = (text: string, env: Record<string, string> = {}) => parseEnvFile(text, '.env', { lookup: (k) => env[k] });

describe('parseEnvFile', () => {
  it('reads the forms Compose reads', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED = spaced value  ',
      'export EXPORTED=yes',
      "SINGLE='literal $PLAIN \\n'",
      'DOUBLE="tab\\there \\"q\\" $PLAIN"',
      'INLINE=value # comment',
      'HASH=a#b',
      'QUOTED_HASH="a # b" # trailing',
      'EMPTY=',
      'EQUALS=a=b=c',
      'MULTI="line1',
      'line2"',
      'REF=${PLAIN}-${FROM_ENV:-none}',
      'ESCAPED="\\$PLAIN"',
    ].join('\n');
    expect(parse(text)).toEqual({
      PLAIN: 'value',
      SPACED: 'spaced value',
      EXPORTED: 'yes',
      SINGLE: 'literal $PLAIN \\n',
      DOUBLE: 'tab\there "q" value',
      INLINE: 'value',
      HASH: 'a#b',
      QUOTED_HASH: 'a # b',
      EMPTY: '',
      EQUALS: 'a=b=c',
      MULTI: 'line1\nline2',
      REF: 'value-none',
      ESCAPED: '$PLAIN',
    });
  });

  it('takes a bare name from the lookup, and the lookup wins in interpolation', () => {
    expect(parse('HOME\nMISSING\nA=x\nB=${A}', { HOME: '/root', A: 'env' })).toEqual({ HOME: '/root', A: 'x', B: 'env' });
  });

  it('reads YAML-style KEY: value and keeps escaped single quotes', () => {
    expect(parse("A: 1\nURL=http://x:80/y\nQ='it\\'s'\n")).toEqual({ A: '1', URL: 'http://x:80/y', Q: "it\\'s" });
  });

  it('handles CRLF line endings', () => {
    expect(parse('A=1\r\nB="2"\r\n')).toEqual({ A: '1', B: '2' });
  });

  it('keeps raw values untouched in raw format', () => {
    expect(parseEnvFile('A="q" # not a comment\nB=$X\n', 'f', { format: 'raw' })).toEqual({ A: '"q" # not a comment', B: '$X' });
  });

  it('reports errors with file and line', () => {
    const cases = ['A="open\nB=2\n', 'BAD KEY=1\n', 'A="x" junk\n', 'A=${B:?need B}\n'];
    for (const text of cases) {
      let err: unknown;
      try {
        parse(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ComposeError);
      expect((err as ComposeError).position?.file).toBe('.env');
      expect((err as ComposeError).position?.line).toBe(1);
    }
  });
});
