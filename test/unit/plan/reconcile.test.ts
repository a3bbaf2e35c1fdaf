import { describe, expect, test } from 'vitest';
import { renderPlan } from '../../../src/plan/plan.js';
import { reconcile } from '../../../src/plan/reconcile.js';
import { container, observed, options, project, service } from './fixtures.js';

// Golden plans: the planner's decisions printed as text, compared line by line.

const webDb = () =>
  project({
    db: service({ healthcheck: { test: ['CMD', 'true'], interval: '1s' } }),
    web: service({ depends_on: { db: { condition: 'service_healthy', required: true } } }),
  });

const plan = (...args: Parameters<typeof reconcile>) => renderPlan(reconcile(...args));

describe('reconcile', () => {
  test('from nothing: network, then each service created after its dependency was created, and started after it is healthy', () => {
    expect(plan(webDb(), observed([], false), options())).toBe(
      [
        '[1] network:p_default CreateNetwork',
        '[2] service:db CheckImage bb:latest pull=missing',
        '[3] -> #1,#2 service:db CreateContainer p-db-1',
        '[4] -> #3 service:db StartContainer p-db-1',
        '[5] -> #1,#2,#3 service:web CreateContainer p-web-1',
        '[6] -> #4 service:db AwaitHealthy p-db-1 for web',
        '[7] -> #5,#6 service:web StartContainer p-web-1',
        '[8] -> #4,#5 service:web PrepareStart p-web-1',
        '',
      ].join('\n'),
    );
  });

  test("a start is announced (PrepareStart) once its dependencies started, only when all it waits for is a health probe due within 2 s", () => {
    const withDb = (healthcheck: Record<string, unknown> | undefined, condition: 'service_healthy' | 'service_started' | 'service_completed_successfully' = 'service_healthy') =>
      plan(project({ db: service(healthcheck ? { healthcheck } : {}), web: service({ depends_on: { db: { condition, required: true } } }) }), observed([], false), options());
    expect(withDb({ test: ['CMD', 'true'], interval: '2s' })).toContain('PrepareStart p-web-1');
    expect(withDb({ test: ['CMD', 'true'], start_period: '1m', start_interval: '500ms' })).toContain('PrepareStart p-web-1');
    // Docker's defaults: 30 s, and 5 s in a start period.
    expect(withDb({ test: ['CMD', 'true'] })).not.toContain('PrepareStart');
    expect(withDb({ test: ['CMD', 'true'], interval: '1s', start_period: '1m' })).not.toContain('PrepareStart');
    expect(withDb({ test: ['CMD', 'true'], interval: '2500ms' })).not.toContain('PrepareStart');
    expect(withDb({ disable: true })).not.toContain('PrepareStart');
    // An exit may take any time; a start right after another's gains nothing.
    expect(withDb({ test: ['CMD', 'true'], interval: '1s' }, 'service_completed_successfully')).not.toContain('PrepareStart');
    expect(withDb(undefined, 'service_started')).not.toContain('PrepareStart');
    expect(plan(project({ web: service() }), observed([], false), options())).not.toContain('PrepareStart');
  });

  test('nothing to do when every container runs with the current hash', () => {
    expect(plan(webDb(), observed([container('db', 1), container('web', 1)]), options())).toBe('');
  });

  test('a changed config hash recreates only that service: stop, rename, create, start, remove the old one', () => {
    const p = webDb();
    expect(plan(p, observed([container('db', 1), container('web', 1, { configHash: 'old' })]), options())).toBe(
      [
        '[1] service:web StopContainer p-web-1 (config hash changed)',
        '[2] -> #1 service:web RenameContainer p-web-1 to web100000000_p-web-1 (config hash changed)',
        '[3] service:web CheckImage bb:latest pull=missing',
        '[4] -> #2,#3 service:web CreateContainer p-web-1 (config hash changed)',
        '[5] service:db AwaitHealthy p-db-1 for web',
        '[6] -> #4,#5 service:web StartContainer p-web-1',
        '[7] -> #4 service:web PrepareStart p-web-1',
        '[8] -> #4 service:web RemoveContainer web100000000_p-web-1 (replaced)',
        '',
      ].join('\n'),
    );
  });

  test('--force-recreate recreates unchanged containers', () => {
    const p = project({ web: service() });
    expect(plan(p, observed([container('web', 1)]), options({ recreate: 'force' }))).toContain('service:web CreateContainer p-web-1 (forced recreate)');
  });

  test('--no-recreate keeps a diverged container', () => {
    const p = project({ web: service() });
    expect(plan(p, observed([container('web', 1, { configHash: 'old' })]), options({ recreate: 'never' }))).toBe('');
  });

  test('a stopped container is started again, not recreated', () => {
    const p = project({ web: service() });
    expect(plan(p, observed([container('web', 1, { state: 'exited' })]), options())).toBe('[1] service:web StartContainer p-web-1 (container is exited)\n');
  });

  test('scale 3 → 1 removes the highest numbers first', () => {
    const p = project({ web: service() });
    const running = [container('web', 1), container('web', 2), container('web', 3)];
    expect(plan(p, observed(running), options({ scale: { web: 1 } }))).toBe(
      [
        '[1] service:web StopContainer p-web-3 (scale down)',
        '[2] -> #1 service:web RemoveContainer p-web-3 (scale down)',
        '[3] service:web StopContainer p-web-2 (scale down)',
        '[4] -> #3 service:web RemoveContainer p-web-2 (scale down)',
        '',
      ].join('\n'),
    );
  });

  test('scale 1 → 3 fills the next free numbers', () => {
    const p = project({ web: service() });
    expect(plan(p, observed([container('web', 1)]), options({ scale: { web: 3 } }))).toBe(
      [
        '[1] service:web CheckImage bb:latest pull=missing',
        '[2] -> #1 service:web CreateContainer p-web-2 (scale up)',
        '[3] -> #2 service:web StartContainer p-web-2',
        '[4] -> #1 service:web CreateContainer p-web-3 (scale up)',
        '[5] -> #4 service:web StartContainer p-web-3',
        '',
      ].join('\n'),
    );
  });

  test('orphans are reported, and removed with --remove-orphans', () => {
    const p = project({ web: service() });
    const snapshot = observed([container('web', 1), container('old', 1)]);
    expect(plan(p, snapshot, options())).toBe(
      'warning: Found orphan containers (p-old-1) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.\n',
    );
    expect(plan(p, snapshot, options({ removeOrphans: true }))).toBe(
      ['[1] service:old StopContainer p-old-1 (orphan)', '[2] -> #1 service:old RemoveContainer p-old-1 (orphan)', ''].join('\n'),
    );
  });

  test('--no-deps plans the named service alone and does not wait for its dependencies', () => {
    expect(plan(webDb(), observed([]), options({ services: ['web'], noDeps: true }))).toBe(
      [
        '[1] service:web CheckImage bb:latest pull=missing',
        '[2] -> #1 service:web CreateContainer p-web-1',
        '[3] -> #2 service:web StartContainer p-web-1',
        '',
      ].join('\n'),
    );
  });

  test('naming a service brings its dependencies', () => {
    const text = plan(webDb(), observed([]), options({ services: ['web'] }));
    expect(text).toContain('CreateContainer p-db-1');
  });

  test('service_completed_successfully waits for the job to exit 0', () => {
    const p = project({
      migrate: service({ command: ['true'] }),
      app: service({ depends_on: { migrate: { condition: 'service_completed_successfully', required: true } } }),
    });
    const text = plan(p, observed([container('migrate', 1, { state: 'exited', configHash: 'true' })]), options());
    expect(text).toBe(
      [
        '[1] service:migrate StartContainer p-migrate-1 (container is exited)',
        '[2] service:app CheckImage bb:latest pull=missing',
        '[3] -> #2 service:app CreateContainer p-app-1',
        '[4] -> #1 service:migrate AwaitExit p-migrate-1 for app',
        '[5] -> #3,#4 service:app StartContainer p-app-1',
        '',
      ].join('\n'),
    );
  });

  test('a missing optional dependency is skipped; a missing required one is an error', () => {
    const optional = project({ web: service({ depends_on: { cache: { condition: 'service_started', required: false } } }) });
    expect(plan(optional, observed([]), options())).toContain('StartContainer p-web-1');
    const required = project({ web: service({ depends_on: { cache: { condition: 'service_started', required: true } } }) });
    expect(() => reconcile(required, observed([]), options())).toThrow(/depends on undefined service cache/);
  });

  test('restart: true restarts a kept dependent when its dependency is recreated', () => {
    const p = project({
      db: service({ command: ['v2'] }),
      web: service({ depends_on: { db: { condition: 'service_started', required: true, restart: true } } }),
    });
    const text = plan(p, observed([container('db', 1, { configHash: 'v1' }), container('web', 1)]), options());
    expect(text).toMatch(/-> #\d+ service:web RestartContainer p-web-1 \(dependency db was recreated\)/);
  });

  test('a container joined to (network_mode: service:) or mounting from (volumes_from) a recreated one is recreated, not restarted', () => {
    const p = project({
      app: service({ command: ['v2'] }),
      side: service({ network_mode: 'service:app', networks: undefined }),
      backup: service({ volumes_from: ['app:ro'] }),
      other: service(),
    });
    const text = plan(p, observed([container('app', 1, { configHash: 'v1' }), container('side', 1), container('backup', 1), container('other', 1)]), options());
    expect(text).toMatch(/service:side CreateContainer p-side-1 \(config hash changed\)/);
    expect(text).toMatch(/service:backup CreateContainer p-backup-1 \(config hash changed\)/);
    expect(text).not.toMatch(/RestartContainer/);
    expect(text).not.toMatch(/CreateContainer p-other-1/);
    // Nothing recreated: nothing to follow.
    const same = project({ app: service(), side: service({ network_mode: 'service:app', networks: undefined }) });
    expect(plan(same, observed([container('app', 1), container('side', 1)]), options())).not.toMatch(/CreateContainer|RestartContainer/);
  });

  test('up --wait waits for each container, and for jobs others depend on to complete', () => {
    const p = project({
      job: service({ command: ['true'] }),
      web: service({ depends_on: { job: { condition: 'service_completed_successfully', required: true } } }),
    });
    const text = plan(p, observed([]), options({ wait: true }));
    expect(text).toContain('service:job AwaitExit p-job-1 for web');
    expect(text).toMatch(/service:web AwaitReady p-web-1 \(wait\)/);
    expect(text).not.toContain('AwaitReady p-job-1');
  });

  test('an external network must exist and is never created', () => {
    const p = project({ web: service({ networks: { shared: null } }) }, { networks: { shared: { name: 'shared', external: true, ipam: {} } } });
    expect(() => reconcile(p, observed([]), options())).toThrow(/network shared declared as external, but could not be found/);
    const text = plan(p, { ...observed([]), externalNetworks: ['shared'] }, options());
    expect(text).not.toContain('CreateNetwork');
  });

  test('a dependency cycle is refused, naming it', () => {
    const p = project({
      a: service({ depends_on: { b: { condition: 'service_started', required: true } } }),
      b: service({ depends_on: { a: { condition: 'service_started', required: true } } }),
    });
    expect(() => reconcile(p, observed([]), options())).toThrow(/cycle.*a -> b -> a/);
  });
});

test('containers of services in an inactive profile are not orphans', () => {
  const p = project({ web: service() });
  const snapshot = observed([container('web', 1), container('debug', 1)]);
  expect(plan(p, snapshot, options({ definedServices: ['web', 'debug'], removeOrphans: true }))).toBe('');
});

test('a recreated container keeps its anonymous volumes unless -V', () => {
  const p = project({ db: service({ command: ['v2'], volumes: [{ type: 'volume', target: '/data' }] }) });
  const snapshot = observed([container('db', 1, { configHash: 'v1', volumes: [{ name: 'abc123', target: '/data' }] })]);
  const create = (opts: Parameters<typeof options>[0]) => reconcile(p, snapshot, options(opts)).nodes.find((n) => n.op.kind === 'CreateContainer')?.op;
  const kept = create({});
  expect(kept?.kind === 'CreateContainer' && kept.body.HostConfig.Binds).toEqual(['abc123:/data']);
  const renewed = create({ renewAnonVolumes: true });
  expect(renewed?.kind === 'CreateContainer' && renewed.body.Volumes).toEqual({ '/data': {} });
});

test('-V removes the anonymous volumes the replaced container had', () => {
  const p = project({ db: service({ command: ['v2'], volumes: [{ type: 'volume', target: '/data' }] }) });
  const anon = 'a'.repeat(64);
  const snapshot = observed([container('db', 1, { configHash: 'v1', volumes: [{ name: anon, target: '/data' }] })]);
  expect(plan(p, snapshot, options({ renewAnonVolumes: true }))).toContain(`volume:${anon} RemoveVolume (renewed anonymous volume)`);
});

test('containers left as they are are listed as kept, not operated on', () => {
  const result = reconcile(webDb(), observed([container('db', 1), container('web', 1)]), options());
  expect(result.nodes).toEqual([]);
  expect(result.kept).toEqual(['p-db-1', 'p-web-1']);
});

test('up --wait reports a container once when a dependent already waits for it to be healthy', () => {
  const text = plan(webDb(), observed([]), options({ wait: true }));
  expect(text.match(/p-db-1/g)?.length).toBe(3); // create, start, one AwaitHealthy
  expect(text).toContain('service:web AwaitReady p-web-1 (wait)');
});
