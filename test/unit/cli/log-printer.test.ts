import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { LogPrinter, logPrefix, useColor } from '../../../src/cli/compose/log-printer.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('LogPrinter', () => {
  test('pads prefixes to the widest container and keeps partial lines until their newline', () => {
    const out = new Sink();
    const p = new LogPrinter({ color: false, prefix: true, out });
    p.add('db-1');
    p.add('worker-1');
    p.write('db-1', 'hel');
    p.write('worker-1', 'tick\n');
    p.write('db-1', 'lo\nsecond\n');
    expect(out.text).toBe('worker-1  | tick\ndb-1      | hello\ndb-1      | second\n');
  });

  test('colours cycle per container; no colour and no prefix when asked', () => {
    const out = new Sink();
    const p = new LogPrinter({ color: true, prefix: true, out });
    p.write('a-1', 'x\n');
    p.write('b-1', 'y\n');
    expect(out.text).toBe('\x1b[36ma-1  |\x1b[0m x\n\x1b[33mb-1  |\x1b[0m y\n');
    const plain = new Sink();
    new LogPrinter({ color: false, prefix: false, out: plain }).write('a-1', 'raw\n');
    expect(plain.text).toBe('raw\n');
  });

  test('held lines are printed in order on release', () => {
    const out = new Sink();
    const p = new LogPrinter({ color: false, prefix: true, out });
    p.hold();
    p.write('a-1', 'one\n');
    p.status('a-1', 'exited with code 0');
    expect(out.text).toBe('');
    p.release();
    expect(out.text).toBe('a-1  | one\na-1 exited with code 0\n');
  });
});

test('colour follows --no-color, --ansi and the terminal', () => {
  expect(useColor('never', false, { isTTY: true })).toBe(false);
  expect(useColor('auto', true, { isTTY: true })).toBe(false);
  expect(useColor('always', false, { isTTY: false })).toBe(process.env.NO_COLOR ? false : true);
  expect(useColor('auto', false, { isTTY: false })).toBe(false);
});

test('the prefix is <service>-<n>, one-offs show their name', () => {
  expect(logPrefix('web', 2, 'p-web-2', false)).toBe('web-2');
  expect(logPrefix('web', 1, 'p-web-run-abc', true)).toBe('p-web-run-abc');
});
