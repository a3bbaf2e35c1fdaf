import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import { parseCompose } from '../../../src/compose/load.js';
import { parseWithPositions } from '../../../src/compose/yaml-positions.js';
import { loadProject } from '../../../src/compose/pipeline.js';
import { testdir, yaml } from './testdir.js';

// Mutates valid compose files a few thousand times (deleted, duplicated and re-indented
// lines, truncation, wrong types, broken interpolation, stray YAML punctuation) and
// checks the only failure ever seen is a ComposeError that names file, line and column.

const VALID = [
  yaml`
    name: shop
    x-common: &common
      restart: unless-stopped
      environment:
        TZ: UTC
    services:
      web:
        <<: *common
        image: "nginx:\${TAG:-1.25}"
        ports: ["8080:80", "127.0.0.1:8443:443/tcp"]
        depends_on:
          api: {condition: service_healthy}
        volumes: ["./html:/usr/share/nginx/html:ro", "cache:/var/cache/nginx"]
      api:
        build: {context: ./api, args: [VERSION=1]}
        command: ["serve", "--port", "3000"]
        healthcheck:
          test: ["CMD", "wget", "-qO-", "localhost:3000/health"]
          interval: 10s
          retries: 3
        environment: [DB_URL=postgres://db/shop, DEBUG]
        networks: [back, default]
      db:
        image: postgres:16
        env_file: [{path: db.env, required: false}]
        deploy: {resources: {limits: {memory: 512M, cpus: "0.5"}}}
    networks:
      back: {internal: true}
    volumes:
      cache: {}
  `,
  yaml`
    services:
      worker:
        image: busybox
        command: sh -c 'echo $$HOME && sleep 1'
        profiles: [jobs]
        ulimits: {nofile: {soft: 1024, hard: 2048}}
        secrets: [token]
        tmpfs: /tmp
        extra_hosts: ["host.docker.internal:host-gateway"]
        stop_grace_period: 1m30s
      cache:
        image: redis:7
        expose: ["6379"]
        sysctls: {net.core.somaxconn: 1024}
    secrets:
      token: {file: ./token.txt}
  `,
];

const PUNCTUATION = ['{', '}', '[', ']', ':', '- ', '"', "'", '&a', '*a', '!reset', '${', '$', '${X:?}', '\t', '#', '<<: ', '---\n', 'null', '12', 'true'];

type Mutation = (text: string) => string;

const lineMutation = (fn: (lines: string[], i: number) => void) =>
  fc.nat().map((n): Mutation => (text) => {
    const lines = text.split('\n');
    fn(lines, n % lines.length);
    return lines.join('\n');
  });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  lineMutation((lines, i) => lines.splice(i, 1)),
  lineMutation((lines, i) => lines.splice(i, 0, lines[i] ?? '')),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([n, d]): Mutation => (text) => {
    const lines = text.split('\n');
    const i = n % lines.length;
    const line = lines[i] ?? '';
    lines[i] = d >= 0 ? ' '.repeat(d) + line : line.slice(Math.min(-d, line.length - line.trimStart().length));
    return lines.join('\n');
  }),
  fc.nat().map((n): Mutation => (text) => text.slice(0, n % (text.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom(...PUNCTUATION)).map(([n, s]): Mutation => (text) => {
    const at = n % (text.length + 1);
    return text.slice(0, at) + s + text.slice(at);
  }),
  // Replace a scalar value with one of the wrong type or a broken template.
  fc.tuple(fc.nat(), fc.constantFrom('[]', '{}', '42', 'true', 'null', '"${UNSET:?gone}"', '"${BROKEN"', '"$${ok}"', '"${A:-${B}}"', '-1')).map(
    ([n, v]): Mutation =>
      (text) => {
        const lines = text.split('\n');
        const candidates = lines.map((l, i) => (/:\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
        const i = candidates[n % candidates.length] ?? 0;
        lines[i] = (lines[i] ?? '').replace(/:\s+.*$/, `: ${v}`);
        return lines.join('\n');
      },
  ),
);

describe('compose loading under mutation', () => {
  it('fails only with positioned ComposeErrors', async () => {
    const dir = testdir({ 'db.env': 'A=1\n', 'token.txt': 's3cret\n' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (base, mutations) => {
        const text = mutations.reduce((t, m) => m(t), base);
        try {
          await loadProject({ files: ['-'], stdin: text, cwd: dir, projectName: 'prop', env: {}, profiles: ['*'] });
        } catch (err) {
          if (!(err instanceof ComposeError)) throw new Error(`not a ComposeError for:\n${text}\n${String((err as Error).stack ?? err)}`);
          expect(err.position, `${err.message}\n---\n${text}`).toBeDefined();
          expect(err.position?.file).toBe('<stdin>');
          expect(err.position?.line).toBeGreaterThanOrEqual(1);
          expect(err.position?.col).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);

  it('reads the same tree with the fast parser as with the exact one', () => {
    // Positions come from the exact parser laid onto the fast parser's tree by key path,
    // so where both accept a text they must agree on it.
    const read = (f: (t: string, file: string) => { tree: unknown; tags: unknown }[], text: string) => {
      try {
        return f(text, 'f.yaml').map((d) => ({ tree: d.tree, tags: d.tags }));
      } catch (err) {
        expect(err).toBeInstanceOf(ComposeError);
        return undefined;
      }
    };
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => {
        const text = mutations.reduce((t, m) => m(t), base);
        const fast = read(parseCompose, text);
        const exact = read(parseWithPositions, text);
        if (fast && exact) expect(fast, text).toEqual(exact);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('loads the unmutated files', async () => {
    const dir = testdir({ 'db.env': 'A=1\n', 'token.txt': 's3cret\n' });
    for (const text of VALID) {
      const project = await loadProject({ files: ['-'], stdin: text, cwd: dir, projectName: 'prop', env: {}, profiles: ['*'] });
      expect(Object.keys(project.services).length).toBeGreaterThan(0);
    }
  });
});
