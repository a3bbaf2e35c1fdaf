import { describe, expect, it } from 'vitest';
import { startupEnv } from '../../../src/config/node-env.js';

describe('startupEnv', () => {
  it('moves NODE_EXTRA_CA_CERTS aside as BERTH_EXTRA_CA_CERTS', () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' };
    const out = startupEnv(env);
    expect(out).toEqual({ PATH: '/bin', BERTH_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' });
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/certs/ca-certificates.crt');
  });

  it('leaves an environment without it as it is', () => {
    const env = { PATH: '/bin' };
    expect(startupEnv(env)).toBe(env);
  });
});
