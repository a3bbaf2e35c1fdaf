import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { composeContext } from './context.js';
import { serviceContainer } from './find-container.js';
import { replicaIndex } from './options.js';

// The implementation of `berth port`, loaded by its action on first use (flags in port.ts).

export async function runPort(service: string, privatePort: string, flags: { protocol: string; index: string }, cmd: Command): Promise<number> {
  // A port number (the protocol is --protocol's), checked before anything is asked of the engine.
  if (!/^\d+$/.test(privatePort) || Number(privatePort) < 1 || Number(privatePort) > 65535) throw new BerthError('usage', `invalid port ${JSON.stringify(privatePort)}: a number from 1 to 65535 (the protocol goes in --protocol)`);
  const ctx = await composeContext(cmd, { projectOptional: true });
  const c = await serviceContainer(ctx, service, replicaIndex(flags.index));
  const info = await ctx.api.containers.inspect(c.id);
  const bindings = info.NetworkSettings.Ports?.[`${privatePort}/${flags.protocol}`];
  const first = bindings?.[0];
  if (!first) throw new BerthError('not_found', `no port ${privatePort}/${flags.protocol} published for service ${service}`);
  process.stdout.write(`${first.HostIp || '0.0.0.0'}:${first.HostPort}\n`);
  return 0;
}
