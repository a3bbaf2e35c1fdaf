import { describe, expect, it } from 'vitest';
import { serviceConfigHash } from '../../../src/compose/hash.js';
import { loadProject } from '../../../src/compose/pipeline.js';
import { renderProject } from '../../../src/compose/render-project.js';
import { selectServices, servicesInDependencyOrder } from '../../../src/compose/select-services.js';
import { testdir, yaml } from './testdir.js';

const PROJECT = yaml`
  name: shop
  services:
    web:
      image: nginx
      ports: ["8080:80", "127.0.0.1:8443:443/udp"]
      depends_on: [api]
      volumes: ["./html:/html:ro", "cache:/cache"]
      environment: {TZ: UTC, PRICE: "5$$", SHELL_VAR: "$\${HOME}"}
      healthcheck: {test: curl -f localhost, interval: 1m30s}
    api:
      build: ./api
      command: serve --port 3000
      depends_on: {db: {condition: service_healthy}}
      networks: {back: {aliases: [backend]}, default: {}}
      env_file: api.env
      deploy: {resources: {limits: {memory: 256M}}}
    db:
      image: postgres:16
      networks: [back]
      secrets: [pw]
  networks:
    back: {internal: true}
  volumes:
    cache:
  secrets:
    pw: {file: ./pw.txt}
`;

describe('berth config output', () => {
  it.each(['yaml', 'json'] as const)('loads back into the same model (%s)', async (format) => {
    const dir = testdir({ 'compose.yaml': PROJECT, 'api.env': 'LEVEL=debug\n', 'pw.txt': 'x\n' });
    const first = await loadProject({ cwd: dir, env: {} });
    expect(first.services.web?.environment).toMatchObject({ PRICE: '5$', SHELL_VAR: '${HOME}' });
    const text = renderProject(first, format);
    const second = await loadProject({ cwd: dir, env: {}, files: ['-'], stdin: text });
    expect(second).toEqual(first);
  });

  it('orders services after their dependencies and selects with dependencies', async () => {
    const dir = testdir({ 'compose.yaml': PROJECT, 'api.env': '', 'pw.txt': '' });
    const project = await loadProject({ cwd: dir, env: {} });
    expect(servicesInDependencyOrder(project)).toEqual(['db', 'api', 'web']);
    expect(Object.keys(selectServices(project, ['api']).services).sort()).toEqual(['api', 'db']);
  });

  it('hashes the service config, ignoring scale and dependencies but not the image', async () => {
    const dir = testdir({ 'compose.yaml': PROJECT, 'api.env': '', 'pw.txt': '' });
    const web = (await loadProject({ cwd: dir, env: {} })).services.web!;
    const hash = serviceConfigHash(web);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(serviceConfigHash({ ...web, scale: 3, depends_on: {} })).toBe(hash);
    expect(serviceConfigHash({ ...web, image: 'nginx:2' })).not.toBe(hash);
    // Key order does not matter: the JSON is canonical.
    const reordered = Object.fromEntries(Object.entries(web).reverse()) as typeof web;
    expect(serviceConfigHash(reordered)).toBe(hash);
  });
});
