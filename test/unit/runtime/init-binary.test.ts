import { describe, expect, it } from 'vitest';
import { findInitBinary } from '../../../src/runtime/init-binary.js';

describe('init binary lookup', () => {
  it('takes BERTH_INIT_PATH, resolved, and runs it as /sbin/berth-init --', () => {
    expect(findInitBinary({ BERTH_INIT_PATH: '/bin/sh' })).toEqual({ hostPath: expect.stringMatching(/^\//) as unknown, argvPrefix: ['/sbin/berth-init', '--'] });
  });

  it('is undefined when the configured init does not exist', () => {
    expect(findInitBinary({ BERTH_INIT_PATH: '/nonexistent/tini' })).toBeUndefined();
  });
});
