import http from 'node:http';
import type { Engine } from '../engine/engine.js';
import { upgradeRequest } from './hijack.js';
import { Router } from './router.js';
import { registerContainerRoutes } from './routes/containers.js';
import { registerEventRoutes } from './routes/events.js';
import { registerExecRoutes } from './routes/exec.js';
import { registerImageRoutes } from './routes/images.js';
import { registerNetworkRoutes } from './routes/networks.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerVolumeRoutes } from './routes/volumes.js';

// berthd's HTTP server: one Router with every route group; upgrade requests (attach,
// exec start) go through the same router with the raw socket at hand.

export interface ServerOptions {
  /** Log each request (BERTH_DEBUG). */
  log?: (line: string) => void;
}

export function buildRouter(engine: Engine): Router {
  const router = new Router();
  registerSystemRoutes(router, engine);
  registerContainerRoutes(router, engine);
  registerExecRoutes(router, engine);
  registerVolumeRoutes(router, engine);
  registerEventRoutes(router, engine);
  registerImageRoutes(router, engine.images, { inUse: (imageId) => engine.containers.imageInUse(imageId) });
  registerNetworkRoutes(router, engine.networks, {
    connect: (idOrName, network, req) => engine.containers.connectNetwork(idOrName, network, req),
    disconnect: (idOrName, network, force) => engine.containers.disconnectNetwork(idOrName, network, force),
  });
  return router;
}

export function createServer(engine: Engine, opts: ServerOptions = {}): http.Server {
  const router = buildRouter(engine);
  const server = http.createServer({ keepAliveTimeout: 30_000 });
  server.on('request', (req, res) => {
    opts.log?.(`${req.method ?? ''} ${req.url ?? ''}`);
    void router.handle(req, res);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
    opts.log?.(`${req.method ?? ''} ${req.url ?? ''} (upgrade)`);
    socket.on('error', () => socket.destroy());
    void upgradeRequest(req, socket, head).then(
      ({ req: routed, res }) => router.handle(routed, res),
      () => socket.destroy(),
    );
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
