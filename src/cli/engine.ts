import type { Command } from 'commander';
import type { EngineClient } from '../client/engine-client.js';
import type { ImagesClient } from '../client/images.js';
import { globalsOf } from './command-adapter.js';

// The engine connection for a command's action, loaded on first use: registering the
// commands must not pay for the client (node:net, the wire helpers) at every start.

export async function engineFor(cmd: Command): Promise<EngineClient> {
  const { connectEngine } = await import('../client/connect.js');
  return connectEngine(globalsOf(cmd));
}

/** engineFor, with the command's first request made alongside the ping (connectEngineWith: a JSON request, safe to repeat). */
export async function engineWith<T>(cmd: Command, first: (client: EngineClient) => Promise<T>): Promise<{ client: EngineClient; result: T }> {
  const { connectEngineWith } = await import('../client/connect.js');
  return connectEngineWith(globalsOf(cmd), first);
}

export async function imagesFor(cmd: Command): Promise<ImagesClient> {
  const [{ ImagesClient }, client] = await Promise.all([import('../client/images.js'), engineFor(cmd)]);
  return new ImagesClient(client);
}
