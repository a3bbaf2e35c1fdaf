import { describe, expect, it } from 'vitest';
import { isInvalid } from '../../../src/errors.js';
import { validateCreate } from '../../../src/engine/containers/validate-create.js';
import { mergeImageConfig, resolveArgs } from '../../../src/engine/containers/merge-image.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isInvalid(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a 400');
}

describe('validateCreate', () => {
  it('fills Docker defaults', () => {
    const r = validateCreate({ Image: 'bb' });
    expect(r.hostConfig).toMatchObject({ NetworkMode: 'default', RestartPolicy: { Name: '', MaximumRetryCount: 0 }, ShmSize: 64 * 1024 * 1024, LogConfig: { Type: 'json-file' } });
    expect(r.config).toMatchObject({ Image: 'bb', Env: [], Cmd: null, Tty: false });
  });

  it('names the key path of a bad value', () => {
    expect(message(() => validateCreate(null))).toMatch(/empty/);
    expect(message(() => validateCreate({ Image: 'bb', Env: ['=x'] }))).toMatch(/environment variable/);
    expect(message(() => validateCreate({ Image: 'bb', Labels: { a: 1 } }))).toBe('Config.Labels.a must be a string');
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'x' }] } } }))).toMatch(/invalid port/);
    // dockerd's validatePortBindings: refused at create, not at the start's bind.
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '99999' }] } } }))).toBe('invalid port specification: "99999"');
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '9000-8000' }] } } }))).toBe('invalid port specification: "9000-8000"');
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '1.2.3', HostPort: '80' }] } } }))).toBe('invalid host IP: "1.2.3"');
    expect(message(() => validateCreate({ Image: 'bb', NetworkingConfig: { EndpointsConfig: { n: { IPAMConfig: { IPv4Address: '10.0.0.300' } } } } }))).toBe('invalid IPv4 address: 10.0.0.300');
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { Dns: ['1.1.1.1', 'not-an-ip'] } }))).toBe('invalid DNS server address: "not-an-ip"');
    // dockerd: the predefined networks take neither aliases nor a chosen address.
    expect(message(() => validateCreate({ Image: 'bb', NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['web'] } } } }))).toBe('network-scoped alias is supported only for containers in user defined networks');
    expect(message(() => validateCreate({ Image: 'bb', NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '172.17.0.9' } } } } }))).toBe('user specified IP address is supported on user defined networks only');
    expect(validateCreate({ Image: 'bb', NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: [] }, mynet: { Aliases: ['web'] } } } }).endpoints.mynet?.Aliases).toEqual(['web']);
    expect(validateCreate({ Image: 'bb', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '::1', HostPort: '8000-8001' }] } } }).hostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '::1', HostPort: '8000-8001' }] });
    expect(message(() => validateCreate({ Image: 'bb', ExposedPorts: { '99999/tcp': {} } }))).toMatch(/invalid port/);
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } } }))).toMatch(/on-failure/);
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }))).toMatch(/AutoRemove/);
    expect(message(() => validateCreate({ Image: 'bb', Healthcheck: { Test: ['BOGUS'] } }))).toMatch(/NONE, CMD or CMD-SHELL/);
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { Memory: 1024 } }))).toMatch(/Minimum memory/);
    expect(message(() => validateCreate({ Image: 'bb', WorkingDir: 'rel' }))).toMatch(/absolute path/);
    expect(message(() => validateCreate({ Image: 'bb', HostConfig: { LogConfig: { Type: 'syslog' } } }))).toMatch(/json-file/);
  });

  it('accepts a string Cmd (strslice) and mounts of each type', () => {
    const r = validateCreate({ Image: 'bb', Cmd: 'true', HostConfig: { Mounts: [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 } }, { Type: 'volume', Target: '/v' }] } });
    expect(r.config.Cmd).toEqual(['true']);
    expect(r.hostConfig.Mounts).toHaveLength(2);
  });
});

describe('mergeImageConfig', () => {
  const base = validateCreate({ Image: 'bb', Env: ['B=2', 'A=override'] }).config;

  it('merges env by key, takes the image Cmd and Entrypoint when none is given', () => {
    const m = mergeImageConfig(base, { Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], Entrypoint: ['/init'], WorkingDir: '/w', Labels: { l: 'i' } });
    expect(m.Env).toEqual(['PATH=/bin', 'A=override', 'B=2']);
    expect(resolveArgs(m)).toEqual({ path: '/init', args: ['sh'] });
    expect(m.WorkingDir).toBe('/w');
    expect(m.Labels).toEqual({ l: 'i' });
  });

  it('drops the image Cmd when an Entrypoint is given, and refuses an empty command', () => {
    const own = { ...base, Entrypoint: ['/bin/echo'] };
    expect(resolveArgs(mergeImageConfig(own, { Cmd: ['ignored'] }))).toEqual({ path: '/bin/echo', args: [] });
    expect(message(() => resolveArgs(mergeImageConfig(base, {})))).toBe('No command specified');
  });
});
