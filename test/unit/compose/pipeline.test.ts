import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import type { LoadOptions } from '../../../src/compose/load-options.js';
import { loadProject } from '../../../src/compose/pipeline.js';
import { testdir, yaml } from './testdir.js';

const load = (dir: string, options: LoadOptions = {}) => loadProject({ cwd: dir, env: {}, ...options });

async function failure(promise: Promise<unknown>): Promise<ComposeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeError);
    return err as ComposeError;
  }
  throw new Error('expected a ComposeError');
}

describe('loadProject', () => {
  it('loads, interpolates from .env, normalizes and binds a project', async () => {
    const dir = testdir({
      'My App/compose.yaml': yaml`
        services:
          web:
            image: "nginx:\${TAG:-latest}"
            ports: ["\${PORT}:80"]
            deploy:
              replicas: \${REPLICAS}
            volumes: ["./html:/usr/share/nginx/html:ro"]
      `,
      'My App/.env': 'PORT=8080\nREPLICAS=1\n',
    });
    const project = await load(path.join(dir, 'My App'));
    expect(project.name).toBe('myapp');
    const web = project.services.web!;
    expect(web.image).toBe('nginx:latest');
    expect(web.deploy?.replicas).toBe(1);
    expect(web.ports).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
    expect(web.volumes?.[0]).toMatchObject({ type: 'bind', source: path.join(dir, 'My App', 'html'), target: '/usr/share/nginx/html', read_only: true });
  });

  it('lets the process environment win over .env and uses --env-file instead of .env', async () => {
    const dir = testdir({
      'compose.yaml': 'services:\n  web:\n    image: "${IMG}"\n',
      '.env': 'IMG=from-dotenv\n',
      'other.env': 'IMG=from-env-file\n',
    });
    expect((await load(dir)).services.web?.image).toBe('from-dotenv');
    expect((await load(dir, { env: { IMG: 'from-process' } })).services.web?.image).toBe('from-process');
    expect((await load(dir, { envFiles: ['other.env'] })).services.web?.image).toBe('from-env-file');
  });

  it('finds compose files in parent directories with their override twin', async () => {
    const dir = testdir({
      'compose.yaml': 'services:\n  web:\n    image: a\n',
      'compose.override.yaml': 'services:\n  web:\n    image: b\n',
      'deep/er/placeholder': '',
    });
    const project = await load(path.join(dir, 'deep', 'er'));
    expect(project.services.web?.image).toBe('b');
    expect(project.name).toBe(path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, ''));
  });

  it('takes COMPOSE_FILE with its separator and COMPOSE_PROJECT_NAME', async () => {
    const dir = testdir({ 'a.yml': 'services:\n  web:\n    image: a\n', 'b.yml': 'services:\n  web:\n    image: b\n' });
    const project = await load(dir, { env: { COMPOSE_FILE: 'a.yml;b.yml', COMPOSE_PATH_SEPARATOR: ';', COMPOSE_PROJECT_NAME: 'proj' } });
    expect(project.services.web?.image).toBe('b');
    expect(project.name).toBe('proj');
  });

  it('applies the project name precedence and refuses an invalid -p', async () => {
    const dir = testdir({ 'compose.yaml': 'name: from-file\nservices:\n  web:\n    image: a\n' });
    expect((await load(dir)).name).toBe('from-file');
    expect((await load(dir, { env: { COMPOSE_PROJECT_NAME: 'from-env' } })).name).toBe('from-env');
    expect((await load(dir, { projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'from-env' } })).name).toBe('flag');
    await expect(load(dir, { projectName: 'Bad Name' })).rejects.toMatchObject({ code: 'usage' });
  });

  it('reads compose content from stdin for -f -', async () => {
    const dir = testdir({});
    const project = await load(dir, { files: ['-'], stdin: 'services:\n  web:\n    image: x\n', projectName: 'p' });
    expect(project.services.web?.image).toBe('x');
  });

  it('names a missing -f file', async () => {
    const dir = testdir({});
    const err = await failure(load(dir, { files: ['nope.yaml'] }));
    expect(err.kind).toBe('file_not_found');
    expect(err.message).toContain(path.join(dir, 'nope.yaml'));
  });

  it('reports unset required variables at their position', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n' });
    const err = await failure(load(dir));
    expect(err.message).toBe(`${path.join(dir, 'compose.yaml')}:3:12: services.web.image: required variable IMAGE is missing a value: set IMAGE`);
  });

  it('leaves templates alone with interpolate: false', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE:?x}\n' });
    expect((await load(dir, { interpolate: false })).services.web?.image).toBe('${IMAGE:?x}');
  });

  it('gives schema and consistency errors a position', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: a\n    ports: [{target: "x"}]\n' });
    const err = await failure(load(dir));
    expect(err.position).toMatchObject({ file: path.join(dir, 'compose.yaml'), line: 4 });
    const dir2 = testdir({ 'compose.yaml': 'services:\n  web:\n    image: a\n    networks: [front]\n' });
    const err2 = await failure(load(dir2));
    expect(err2.message).toContain('front');
    expect(err2.position).toMatchObject({ file: path.join(dir2, 'compose.yaml'), line: 4 });
  });
});

describe('warnings and the interpolation environment', () => {
  it('warns about `version` and unset variables, and offers COMPOSE_PROJECT_NAME', async () => {
    const dir = testdir({ 'compose.yaml': 'version: "3.8"\nname: shop\nservices:\n  web:\n    image: ${NOPE}x\n    container_name: ${COMPOSE_PROJECT_NAME}-web\n' });
    const warnings: string[] = [];
    const project = await load(dir, { onWarning: (w) => warnings.push(w) });
    expect(project.services.web?.container_name).toBe('shop-web');
    expect(warnings).toEqual([
      `${path.join(dir, 'compose.yaml')}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`,
      'The "NOPE" variable is not set. Defaulting to a blank string.',
    ]);
  });
});

describe('extends', () => {
  it('extends services in the same file and other files, keeping relative paths right', async () => {
    const dir = testdir({
      'compose.yaml': yaml`
        services:
          base:
            image: base
            environment: {A: "1"}
          web:
            extends: base
            environment: {B: "2"}
          api:
            extends: {file: common/common.yaml, service: app}
            command: run
      `,
      'common/common.yaml': yaml`
        services:
          root:
            image: root
            volumes: ["./data:/data"]
          app:
            extends: root
            build: ./src
            env_file: app.env
      `,
      'common/app.env': 'FROM_FILE=yes\n',
    });
    const project = await load(dir);
    expect(project.services.web).toMatchObject({ image: 'base', environment: { A: '1', B: '2' } });
    const api = project.services.api!;
    expect(api.image).toBe('root');
    expect(api.command).toEqual(['run']);
    expect(api.build?.context).toBe(path.join(dir, 'common', 'src'));
    expect(api.volumes?.[0]?.source).toBe(path.join(dir, 'common', 'data'));
    expect(api.environment).toEqual({ FROM_FILE: 'yes' });
  });

  it('lets the extending service !reset what it inherits', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  base:\n    image: b\n    ports: ["80:80"]\n  web:\n    extends: base\n    ports: !reset []\n' });
    const project = await load(dir);
    expect(project.services.web?.ports).toBeUndefined();
    expect(project.services.base?.ports).toHaveLength(1);
  });

  it('refuses extends cycles, naming them', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n' });
    const err = await failure(load(dir));
    expect(err.kind).toBe('cycle');
    expect(err.message).toContain('a -> b -> c -> a');
  });

  it('refuses extending a missing service or file, at the extends entry', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  a:\n    extends: nope\n' });
    expect((await failure(load(dir))).message).toContain('"nope" not found');
    const dir2 = testdir({ 'compose.yaml': 'services:\n  a:\n    extends:\n      file: gone.yaml\n      service: x\n' });
    const err = await failure(load(dir2));
    expect(err.message).toBe(`${path.join(dir2, 'compose.yaml')}:4:13: services.a.extends.file: ${path.join(dir2, 'gone.yaml')} not found`);
  });
});

describe('include', () => {
  it('loads included projects with their own directory and env', async () => {
    const dir = testdir({
      'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  web:\n    image: web\n    depends_on: [db]\n',
      'db/compose.yaml': 'services:\n  db:\n    image: "postgres:${PG_TAG}"\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n',
      'db/.env': 'PG_TAG=16\n',
    });
    const project = await load(dir);
    expect(project.services.db?.image).toBe('postgres:16');
    expect(project.services.db?.volumes?.[0]?.source).toBe(path.join(dir, 'db', 'init'));
  });

  it('supports the long form with env_file and project_directory', async () => {
    const dir = testdir({
      'compose.yaml': 'include:\n  - path: sub/c.yaml\n    env_file: vars.env\n    project_directory: sub\nservices: {}\n',
      'vars.env': 'IMG=from-include-env\n',
      'sub/c.yaml': 'services:\n  s:\n    image: ${IMG}\n',
    });
    expect((await load(dir)).services.s?.image).toBe('from-include-env');
  });

  it('merges several paths of one include entry as overrides', async () => {
    const dir = testdir({
      'compose.yaml': 'include:\n  - path: [lib/base.yaml, lib/override.yaml]\nservices: {}\n',
      'lib/base.yaml': 'services:\n  s:\n    image: base\n    environment: {A: "1"}\n',
      'lib/override.yaml': 'services:\n  s:\n    environment: {B: "2"}\n',
    });
    expect((await load(dir)).services.s).toMatchObject({ image: 'base', environment: { A: '1', B: '2' } });
  });

  it('refuses include cycles and conflicting services', async () => {
    const cyc = testdir({ 'compose.yaml': 'include: [a.yaml]\nservices: {}\n', 'a.yaml': 'include: [compose.yaml]\nservices: {}\n' });
    expect((await failure(load(cyc))).kind).toBe('cycle');
    const conflict = testdir({ 'compose.yaml': 'include: [a.yaml]\nservices:\n  s: {image: x}\n', 'a.yaml': 'services:\n  s: {image: y}\n' });
    const err = await failure(load(conflict));
    expect(err.kind).toBe('include');
    expect(err.message).toContain('conflicting service "s"');
  });
});

describe('profiles', () => {
  const files = {
    'compose.yaml': yaml`
      services:
        web: {image: web}
        debug: {image: dbg, profiles: [dev]}
        db: {image: db, profiles: [dev, test]}
        app: {image: app, profiles: [prod], depends_on: [db]}
    `,
  };

  it('enables services by --profile, COMPOSE_PROFILES, * and by name', async () => {
    const dir = testdir(files);
    const names = async (o: LoadOptions) => Object.keys((await load(dir, o)).services).sort();
    expect(await names({})).toEqual(['web']);
    expect(await names({ profiles: ['dev'] })).toEqual(['db', 'debug', 'web']);
    expect(await names({ env: { COMPOSE_PROFILES: 'test' } })).toEqual(['db', 'web']);
    expect(await names({ profiles: ['*'] })).toEqual(['app', 'db', 'debug', 'web']);
    expect(await names({ services: ['debug'] })).toEqual(['db', 'debug', 'web']);
  });

  it('refuses an enabled service requiring a disabled one', async () => {
    const dir = testdir(files);
    const err = await failure(load(dir, { profiles: ['prod'] }));
    expect(err.message).toContain('service "db" is required by "app" but is disabled');
    expect(err.position?.line).toBe(5);
  });
});

describe('environment resolution', () => {
  it('reads env_file entries, lets environment override, resolves bare names', async () => {
    const dir = testdir({
      'compose.yaml': yaml`
        services:
          web:
            image: a
            env_file: [a.env, {path: missing.env, required: false}]
            environment:
              B: override
              FROM_HOST:
              NOT_SET:
      `,
      'a.env': 'A=1\nB=2\nNOT_SET=from-file\n',
    });
    const project = await load(dir, { env: { FROM_HOST: 'host' } });
    expect(project.services.web?.environment).toEqual({ A: '1', B: 'override', FROM_HOST: 'host' });
    expect(project.services.web?.env_file).toBeUndefined();
  });

  it('names a missing required env file and the service key', async () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: a\n    env_file: nope.env\n' });
    const err = await failure(load(dir));
    expect(err.kind).toBe('env_file');
    expect(err.message).toContain('services.web.env_file');
    expect(err.message).toContain(path.join(dir, 'nope.env'));
    expect(err.position).toMatchObject({ line: 4 });
  });
});
