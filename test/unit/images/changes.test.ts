import { describe, expect, it } from 'vitest';
import { applyChanges, goDuration, splitWords } from '../../../src/engine/images/changes.js';

describe('docker import --change', () => {
  it('applies CMD/ENTRYPOINT in exec and shell form', () => {
    const c = applyChanges({}, ['CMD ["nginx", "-g", "daemon off;"]', 'ENTRYPOINT /docker-entrypoint.sh run']);
    expect(c.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(c.Entrypoint).toEqual(['/bin/sh', '-c', '/docker-entrypoint.sh run']);
  });

  it('parses ENV and LABEL key=value pairs with quotes, replacing earlier values', () => {
    const c = applyChanges({ Env: ['PATH=/bin', 'A=0'] }, ['ENV A=1 B="two words" C=a\\ b', 'env D e f', 'LABEL "com.x"="y z" k=v']);
    expect(c.Env).toEqual(['PATH=/bin', 'A=1', 'B=two words', 'C=a b', 'D=e f']);
    expect(c.Labels).toEqual({ 'com.x': 'y z', k: 'v' });
  });

  it('handles EXPOSE, VOLUME, WORKDIR, USER, STOPSIGNAL', () => {
    const c = applyChanges({}, ['EXPOSE 80 53/udp 8000-8001', 'VOLUME ["/data", "/logs"]', 'VOLUME /cache', 'WORKDIR /app', 'WORKDIR sub', 'USER 1000:1000', 'STOPSIGNAL SIGQUIT']);
    expect(c.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '8000-8001/tcp': {} });
    expect(c.Volumes).toEqual({ '/data': {}, '/logs': {}, '/cache': {} });
    expect(c.WorkingDir).toBe('/app/sub');
    expect(c.User).toBe('1000:1000');
    expect(c.StopSignal).toBe('SIGQUIT');
  });

  it('does not mutate the base config', () => {
    const base = { Env: ['A=1'] };
    applyChanges(base, ['ENV A=2']);
    expect(base.Env).toEqual(['A=1']);
  });

  it('parses HEALTHCHECK and keeps ONBUILD triggers', () => {
    const c = applyChanges({}, ['HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD wget -q localhost', 'ONBUILD RUN make']);
    expect(c.Healthcheck).toEqual({ Interval: 90e9, Timeout: 500e6, Retries: 3, Test: ['CMD-SHELL', 'wget -q localhost'] });
    expect(applyChanges({}, ['HEALTHCHECK CMD ["true"]']).Healthcheck).toEqual({ Test: ['CMD', 'true'] });
    expect(applyChanges({}, ['HEALTHCHECK NONE']).Healthcheck).toEqual({ Test: ['NONE'] });
    expect(c.OnBuild).toEqual(['RUN make']);
    expect(goDuration('2h1.5s')).toBe(7201.5e9);
    expect(() => goDuration('10')).toThrow(/duration/);
  });

  it.each(['RUN echo hi', 'FROM x', 'HEALTHCHECK --interval=x CMD true', 'HEALTHCHECK --bogus=1 CMD true', 'HEALTHCHECK echo', 'ONBUILD FROM x', 'CMD', 'EXPOSE http', 'ENV A="unterminated', 'VOLUME [1]', 'LABEL =x'])('refuses %j', (change) => {
    expect(() => applyChanges({}, [change])).toThrow(expect.objectContaining({ code: 'invalid' }) as Error);
  });

  it('splits words like a Dockerfile', () => {
    expect(splitWords(`a "b c" 'd "e"' f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
  });
});
