import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('down');

const compose = `
services:
  db:
    image: bb:latest
    command: ["sh", "-c", "echo data > /data/file; exec sleep 3600"]
    volumes: [dbdata:/data, /scratch]
    networks: [back]
    stop_signal: SIGKILL
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    networks: [front, back]
    stop_signal: SIGKILL
networks:
  front: {}
  back: {}
volumes:
  dbdata: {}
`;

const byLabel = { filters: JSON.stringify({ label: ['com.docker.compose.project=dn'] }) };

test('down -v removes the containers, networks and volumes up created', async () => {
  const dir = berth.track(berth.env.project('dn', { 'compose.yaml': compose }));
  const up = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(up.code, up.stderr).toBe(0);
  expect(await projectContainers(berth.engine, 'dn')).toHaveLength(2);
  const networks = await berth.engine.request<{ Name: string }[]>('GET', '/networks', { query: byLabel });
  expect(networks.map((n) => n.Name).sort()).toEqual(['dn_back', 'dn_front']);
  const volumes = await berth.engine.request<{ Volumes: { Name: string }[] | null }>('GET', '/volumes', { query: byLabel });
  expect((volumes.Volumes ?? []).map((v) => v.Name)).toEqual(['dn_dbdata']);

  const down = await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir });
  expect(down.code, down.stderr).toBe(0);
  expect(await projectContainers(berth.engine, 'dn')).toEqual([]);
  expect(await berth.engine.request('GET', '/networks', { query: byLabel })).toEqual([]);
  const after = await berth.engine.request<{ Volumes: { Name: string }[] | null }>('GET', '/volumes', { query: byLabel });
  expect(after.Volumes ?? []).toEqual([]);

  const twice = await berth.env.berth(['down'], { cwd: dir });
  expect(twice.code).toBe(0);
  expect(twice.stderr).toContain('is not running');
});
