import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/compose/load.js';
import { mergeAll } from '../../../src/compose/merge.js';
import { treeLocator } from '../../../src/compose/positions.js';

const merged = (...texts: string[]) => mergeAll(texts.flatMap((t, i) => parseCompose(t, `f${i}.yaml`)));
const web = (tree: Record<string, unknown>) => (tree.services as Record<string, Record<string, unknown>>).web;

describe('merging compose files', () => {
  it('merges mappings deeply, later scalars win', () => {
    const tree = merged('services:\n  web:\n    image: a\n    deploy: {replicas: 1, labels: {x: "1"}}\n', 'services:\n  web:\n    image: b\n    deploy: {replicas: 3}\n');
    expect(web(tree)).toEqual({ image: 'b', deploy: { replicas: 3, labels: { x: '1' } } });
  });

  it('replaces command, entrypoint and healthcheck.test', () => {
    const tree = merged(
      'services:\n  web:\n    command: [a, b]\n    entrypoint: [x]\n    healthcheck: {test: [CMD, a], retries: 3}\n',
      'services:\n  web:\n    command: [c]\n    entrypoint: y\n    healthcheck: {test: [CMD, b]}\n',
    );
    expect(web(tree)).toEqual({ command: ['c'], entrypoint: 'y', healthcheck: { test: ['CMD', 'b'], retries: 3 } });
  });

  it('merges environment, labels and extra_hosts as maps whatever the syntax', () => {
    const tree = merged(
      'services:\n  web:\n    environment: [A=1, B=2, C]\n    labels: {l1: a}\n    extra_hosts: ["db:10.0.0.1"]\n',
      'services:\n  web:\n    environment: {B: "3"}\n    labels: [l2=b]\n    extra_hosts: {cache: 10.0.0.2}\n',
    );
    expect(web(tree)).toEqual({
      environment: { A: '1', B: '3', C: null },
      labels: { l1: 'a', l2: 'b' },
      extra_hosts: { db: '10.0.0.1', cache: '10.0.0.2' },
    });
  });

  it('merges ports, volumes, secrets by identity, the later entry replacing in place', () => {
    const tree = merged(
      'services:\n  web:\n    ports: ["8080:80", "9000:9000"]\n    volumes: ["./a:/data", "logs:/logs"]\n    secrets: [s1, {source: s2, target: /x}]\n    dns: [1.1.1.1]\n',
      'services:\n  web:\n    ports: ["8080:80", "7000:70"]\n    volumes: ["./b:/data:ro"]\n    secrets: [{source: s3, target: /run/secrets/s1}]\n    dns: [1.1.1.1, 8.8.8.8]\n',
    );
    expect(web(tree)).toEqual({
      ports: ['8080:80', '9000:9000', '7000:70'],
      volumes: ['./b:/data:ro', 'logs:/logs'],
      secrets: [{ source: 's3', target: '/run/secrets/s1' }, { source: 's2', target: '/x' }],
      dns: ['1.1.1.1', '8.8.8.8'],
    });
  });

  it('merges networks and depends_on across list and map syntax', () => {
    const tree = merged(
      'services:\n  web:\n    networks: [front]\n    depends_on: [db]\n    build: ./app\n',
      'services:\n  web:\n    networks: {back: {aliases: [w]}}\n    depends_on: {cache: {condition: service_healthy}}\n    build: {dockerfile: Dockerfile.dev}\n',
    );
    expect(web(tree)).toEqual({
      networks: { front: null, back: { aliases: ['w'] } },
      depends_on: { db: { condition: 'service_started' }, cache: { condition: 'service_healthy' } },
      build: { context: './app', dockerfile: 'Dockerfile.dev' },
    });
  });

  it('honours !reset and !override from the later file', () => {
    const tree = merged(
      'services:\n  web:\n    image: a\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n',
      'services:\n  web:\n    ports: !reset []\n    environment: !override {C: "3"}\n',
    );
    expect(web(tree)).toEqual({ image: 'a', environment: { C: '3' } });
  });

  it('matches ports across short and long syntax by ip, published, target and protocol', () => {
    const tree = merged(
      'services:\n  web:\n    ports: ["127.0.0.1:8080:80", "53:53/udp", "9000"]\n',
      'services:\n  web:\n    ports: [{host_ip: 127.0.0.1, published: "8080", target: 80, name: http}, "53:53/tcp", "9000"]\n',
    );
    expect(web(tree)?.ports).toEqual([{ host_ip: '127.0.0.1', published: '8080', target: 80, name: 'http' }, '53:53/udp', '9000', '53:53/tcp']);
  });

  it('resets a single key of a list-shaped environment', () => {
    const tree = merged('services:\n  web:\n    environment: [FOO=bar, KEEP=1]\n', 'services:\n  web:\n    environment:\n      FOO: !reset null\n');
    expect(web(tree)?.environment).toEqual({ KEEP: '1' });
  });

  it('replaces x- extensions whole instead of merging them', () => {
    const tree = merged('x-opts: {a: 1, b: 2}\nservices:\n  web:\n    x-meta: {k: 1}\n', 'x-opts: {c: 3}\nservices:\n  web:\n    x-meta: {j: 2}\n');
    expect(tree['x-opts']).toEqual({ c: 3 });
    expect(web(tree)?.['x-meta']).toEqual({ j: 2 });
  });

  it('replaces logging options when the driver changes', () => {
    const tree = merged(
      'services:\n  web:\n    logging: {driver: json-file, options: {max-size: 1m}}\n',
      'services:\n  web:\n    logging: {driver: syslog, options: {tag: x}}\n',
    );
    expect(web(tree)).toEqual({ logging: { driver: 'syslog', options: { tag: 'x' } } });
  });

  it('keeps positions pointing at the file that wrote each value', () => {
    const tree = merged('services:\n  web:\n    image: a\n    ports: ["1:1"]\n', 'services:\n  web:\n    ports: ["2:2"]\n    user: root\n');
    const loc = treeLocator(tree);
    expect(loc.locate(['services', 'web', 'image'])).toMatchObject({ file: 'f0.yaml', line: 3 });
    expect(loc.locate(['services', 'web', 'ports', 0])).toMatchObject({ file: 'f0.yaml', line: 4 });
    expect(loc.locate(['services', 'web', 'ports', 1])).toMatchObject({ file: 'f1.yaml', line: 3 });
    expect(loc.locate(['services', 'web', 'user'])).toMatchObject({ file: 'f1.yaml', line: 4 });
  });
});
