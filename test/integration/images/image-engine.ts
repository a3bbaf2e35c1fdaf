import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { HANDLED, Router } from '../../../src/daemon/router.js';
import { registerImageRoutes } from '../../../src/daemon/routes/images.js';
import { ImageStore } from '../../../src/engine/images/image-store.js';

// An engine that serves the image routes only (over an image store in a temp dir), for a
// file of client tests: started before its first test, closed and removed after its last.

export interface ImageEngine {
  /** The temp dir; the store is its images/. */
  root: string;
  socket: string;
}

/** `ping`: also answer /_ping with API 1.41, which the Docker CLI asks before any image call. */
export function useImageEngine(name: string, opts: { ping?: boolean } = {}): ImageEngine {
  const engine: ImageEngine = { root: '', socket: '' };
  let server: http.Server | undefined;
  beforeAll(async () => {
    engine.root = await mkdtemp(path.join(os.tmpdir(), `berth-img-${name}-`));
    engine.socket = path.join(engine.root, 'engine.sock');
    const router = new Router();
    if (opts.ping) {
      router.get('/_ping', (ctx) => {
        ctx.res.writeHead(200, { 'Api-Version': '1.41', 'Content-Type': 'text/plain' });
        ctx.res.end('OK');
        return HANDLED;
      });
    }
    registerImageRoutes(router, new ImageStore(path.join(engine.root, 'images')));
    const s = http.createServer((req, res) => void router.handle(req, res));
    server = s;
    await new Promise<void>((resolve) => s.listen(engine.socket, resolve));
  });
  afterAll(async () => {
    const s = server;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    if (engine.root) await rm(engine.root, { recursive: true, force: true });
  });
  return engine;
}
