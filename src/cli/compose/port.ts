import { Option, type Command } from 'commander';
import { BerthError } from '../../errors.js';
import { action } from '../command-adapter.js';
import { composeContext } from './context.js';
import { serviceContainer } from './find-container.js';

// `berth port SERVICE PRIVATE_PORT`: the public address a container port is bound to.
export function registerPort(parent: Command): void {
  parent
    .command('port')
    .description('Print the public port for a port binding')
    .argument('<service>')
    .argument('<private_port>')
    .addOption(new Option('--protocol <proto>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .action(action(async (service: string, privatePort: string, flags: { protocol: string; index: string }, cmd: Command) => {
      const ctx = await composeContext(cmd, { projectOptional: true });
      const c = await serviceContainer(ctx, service, Number(flags.index));
      const info = await ctx.api.containers.inspect(c.id);
      const bindings = info.NetworkSettings.Ports?.[`${privatePort}/${flags.protocol}`];
      const first = bindings?.[0];
      if (!first) throw new BerthError('not_found', `no port ${privatePort}/${flags.protocol} published for service ${service}`);
      process.stdout.write(`${first.HostIp || '0.0.0.0'}:${first.HostPort}\n`);
      return 0;
    }));
}
