import { afterAll, beforeAll } from 'vitest';
import { EngineClient } from '../../../src/client/engine-client.js';
import { BerthEnv } from './berth-env.js';

// Per-file engine: started before the file's first test, projects brought `down -v` and
// berthd stopped after its last. Call after useLeakCheck() so the leak check (which runs
// last) sees everything stopped.

export interface BerthHandle {
  env: BerthEnv;
  engine: EngineClient;
  /** Register a project folder for the final `down -v`. */
  track(dir: string): string;
}

export function useBerth(name: string): BerthHandle {
  const env = new BerthEnv(name);
  const dirs = new Set<string>();
  const handle: BerthHandle = { env, engine: new EngineClient(env.socket), track: (dir) => (dirs.add(dir), dir) };
  beforeAll(async () => {
    await env.start();
  }, 120_000);
  afterAll(async () => {
    try {
      for (const dir of dirs) await env.berth(['down', '-v', '-t', '0', '--remove-orphans'], { cwd: dir });
    } finally {
      await env.stop();
    }
  }, 120_000);
  return handle;
}

/** Containers of a project straight from the engine (observable state, not CLI output). */
export interface EngineContainer {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string>;
}

export async function projectContainers(engine: EngineClient, project: string): Promise<EngineContainer[]> {
  return engine.request<EngineContainer[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }) } });
}

export interface Inspect {
  Id: string;
  State: { Status: string; Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string; Health?: { Status: string; Log?: { End: string; ExitCode: number }[] } };
}

export function inspect(engine: EngineClient, name: string): Promise<Inspect> {
  return engine.request<Inspect>('GET', `/containers/${name}/json`);
}
