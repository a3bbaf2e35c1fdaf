import { Option, type Command } from 'commander';
import { action } from '../command-adapter.js';

// `berth port SERVICE PRIVATE_PORT`: the public address a container port is bound to.
export function registerPort(parent: Command): void {
  parent
    .command('port')
    .description('Print the public port for a port binding')
    .argument('<service>')
    .argument('<private_port>')
    .addOption(new Option('--protocol <proto>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .action(action(async (service: string, privatePort: string, flags: { protocol: string; index: string }, cmd: Command) => (await import('./port-action.js')).runPort(service, privatePort, flags, cmd)));
}
