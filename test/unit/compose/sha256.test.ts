import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/compose/sha256.js';

describe('sha256Hex', () => {
  it('matches node:crypto for every length across block boundaries and for non-ASCII text', () => {
    const inputs = ['', 'abc', 'é✓ 🚀 \u0000'];
    for (let n = 0; n < 200; n++) inputs.push('x'.repeat(n), String.fromCharCode(...Array.from({ length: n }, (_, i) => 32 + ((i * 7 + n) % 300))));
    inputs.push(JSON.stringify({ image: 'bb:latest', command: ['sleep', '3600'] }).repeat(100));
    for (const s of inputs) expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
  });
});
