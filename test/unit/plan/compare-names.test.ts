import { describe, expect, it } from 'vitest';
import { compareNames } from '../../../src/plan/compare-names.js';

describe('compareNames', () => {
  it('orders as localeCompare does, for names of [a-z0-9._-] and others', () => {
    const alphabet = 'ab09_-.yzA\u00e9';
    // A fixed pseudo-random sequence: the same pairs at every run.
    let seed = 12345;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const name = () => Array.from({ length: next(5) }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 20000; i++) {
      const a = name();
      const b = next(3) === 0 ? a.slice(0, 2) + name() : name();
      expect([a, b, Math.sign(compareNames(a, b))]).toEqual([a, b, Math.sign(a.localeCompare(b))]);
    }
  });

  it('keeps the usual cases in the collator order', () => {
    expect(['web-db', 'web_db', 'web.db', 'web1', 'web', 'db', 'Web'].sort(compareNames)).toEqual(['web-db', 'web_db', 'web.db', 'web1', 'web', 'db', 'Web'].sort((a, b) => a.localeCompare(b)));
  });
});
