import fc from 'fast-check';
import { yaml } from './testdir.js';

// Valid compose files and mutations of their text (deleted, duplicated and re-indented
// lines, truncation, stray YAML punctuation anywhere or inside a value, wrong types,
// broken interpolation), shared by the property tests.

export const VALID = [
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
        secrets: [token, {source: token, target: tok, mode: 0440}]
        tmpfs: /tmp
        volumes: [{type: tmpfs, target: /run/x, tmpfs: {mode: 01777}}]
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

export type Mutation = (text: string) => string;

const lineMutation = (fn: (lines: string[], i: number) => void) =>
  fc.nat().map((n): Mutation => (text) => {
    const lines = text.split('\n');
    fn(lines, n % lines.length);
    return lines.join('\n');
  });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
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
  // Insert punctuation inside a value: unlike an insertion anywhere, it mostly leaves the
  // YAML readable, so the text reaches interpolation, the schema and normalize.
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...PUNCTUATION)).map(
    ([n, k, s]): Mutation =>
      (text) => {
        const lines = text.split('\n');
        const candidates = lines.map((l, i) => (/:\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
        const i = candidates[n % candidates.length] ?? 0;
        const line = lines[i] ?? '';
        const start = line.search(/:\s+\S/) + 2;
        const at = start + (k % (line.length - start + 1));
        lines[i] = line.slice(0, at) + s + line.slice(at);
        return lines.join('\n');
      },
  ),
  // Tag, anchor or alias a value or a sequence item: where the two parsers' handling of
  // !reset, !override and aliases could differ.
  fc.tuple(fc.nat(), fc.constantFrom('!reset ', '!override ', '&a ', '*a ')).map(
    ([n, s]): Mutation =>
      (text) => {
        const lines = text.split('\n');
        const candidates = lines.map((l, i) => (/(:|-|\[|,)\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
        const i = candidates[n % candidates.length] ?? 0;
        lines[i] = (lines[i] ?? '').replace(/(:|-|\[|,)(\s+)(?=\S)/, `$1$2${s}`);
        return lines.join('\n');
      },
  ),
  // Replace a scalar value with one of the wrong type or a broken template.
  fc.tuple(fc.nat(), fc.constantFrom('[]', '{}', '42', 'true', 'null', '"${UNSET:?gone}"', '"${BROKEN"', '"$${ok}"', '"${A:-${B}}"', '-1', '0440', '0o17', '"0440"')).map(
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

/** A valid file with one to three mutations applied. */
export const mutatedText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([base, mutations]) => mutations.reduce((t, m) => m(t), base));
