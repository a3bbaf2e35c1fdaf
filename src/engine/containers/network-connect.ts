import { BerthError, conflict, forbidden, internal, invalid, isNotFound } from '../../errors.js';
import type { EndpointRequest, NetworkRecord, NetworkService } from '../types.js';
import { contains, parseCidr, parseIpv4 } from '../networks/cidr.js';
import { isRunning, type ContainerRecord, type EndpointConfig } from './model.js';
import { networkKind } from './network-attach.js';
import { checkUserNetworkEndpoint } from './validate-create.js';

// `POST /networks/{id}/connect` and `/disconnect` as Docker does them: the container's
// EndpointsConfig (what every start uses) always changes; a running (or paused)
// container's sandbox changes with it at once, a created or stopped one gets the
// endpoint at its next start. The caller holds the container's lifecycle lock.

export interface ConnectRequest {
  aliases: string[];
  ipv4Address?: string;
}

export interface NetworkConnectDeps {
  networks: NetworkService;
  save: (c: ContainerRecord) => Promise<void>;
}

// Docker's runconfig errors (400 there as here).
const HOST_NETWORK = 'container cannot be disconnected from host network or connected to host network';
const SHARED_NETWORK = 'container sharing network namespace with another container or host cannot be connected to any other network';
const NO_NETWORK = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

/** The EndpointsConfig key naming this network (its name, ID or a prefix of the ID as given at create). */
async function endpointKey(networks: NetworkService, c: ContainerRecord, net: NetworkRecord): Promise<string | undefined> {
  if (c.EndpointsConfig[net.Name]) return net.Name;
  for (const key of Object.keys(c.EndpointsConfig)) {
    const other = await networks.inspect(key).catch(() => undefined);
    if (other?.Id === net.Id) return key;
  }
  return undefined;
}

function checkRemovable(c: ContainerRecord): void {
  if (c.State.Status === 'removing' || c.State.Status === 'dead') throw conflict(`container ${c.Id} is marked for removal and cannot be connected or disconnected to the network`);
}

export async function connectContainer(deps: NetworkConnectDeps, c: ContainerRecord, networkIdOrName: string, req: ConnectRequest): Promise<void> {
  checkRemovable(c);
  const net = await deps.networks.inspect(networkIdOrName);
  const mode = c.HostConfig.NetworkMode;
  if (net.Driver === 'host') throw invalid(HOST_NETWORK);
  if (mode === 'host' || mode.startsWith('container:')) throw invalid(SHARED_NETWORK);
  if (mode === 'none' || net.Driver === 'null') throw invalid(NO_NETWORK);
  const connected = (await endpointKey(deps.networks, c, net)) !== undefined;
  // As dockerd 20.10: connected already is 403 for a running container; for a stopped one the
  // request is checked, then changes nothing (its endpoint keeps the aliases it had).
  if (connected && isRunning(c)) throw forbidden(`endpoint with name ${c.Name} already exists in network ${net.Name}`);
  const aliases = [...new Set(req.aliases.map((a) => a.replace(/^\//, '')).filter((a) => a !== ''))];
  // The aliases as at create; an address is checkAddress's (dockerd words it otherwise on connect).
  checkUserNetworkEndpoint(net.Name, aliases, undefined);
  if (req.ipv4Address !== undefined) checkAddress(net, req.ipv4Address);
  if (connected) return;
  const cfg: EndpointConfig = { Aliases: aliases.length > 0 ? aliases : null, IPAMConfig: req.ipv4Address ? { IPv4Address: req.ipv4Address } : null };
  if (isRunning(c)) {
    const endpoint: EndpointRequest = { networkId: net.Id, aliases: [...new Set([c.Name, c.Id.slice(0, 12), ...aliases])] };
    if (req.ipv4Address) endpoint.ipv4Address = req.ipv4Address;
    c.Network.Networks[net.Name] = await deps.networks.connect(c.Id, endpoint);
  }
  c.EndpointsConfig[net.Name] = cfg;
  await deps.save(c);
}

export async function disconnectContainer(deps: NetworkConnectDeps, c: ContainerRecord, networkIdOrName: string, force = false): Promise<void> {
  checkRemovable(c);
  const net = await deps.networks.inspect(networkIdOrName).catch(async (err: unknown) => {
    // Docker's `disconnect -f`: a network removed since it was recorded can still be dropped by its name.
    if (!force || !isNotFound(err) || !c.EndpointsConfig[networkIdOrName]) throw err;
    delete c.EndpointsConfig[networkIdOrName];
    delete c.Network.Networks[networkIdOrName];
    await deps.save(c);
    return undefined;
  });
  if (!net) return;
  if (net.Driver === 'host' && c.HostConfig.NetworkMode === 'host') throw invalid(HOST_NETWORK);
  const key = await endpointKey(deps.networks, c, net);
  if (isRunning(c) && networkKind(c).kind === 'bridge') {
    try {
      await deps.networks.disconnect(c.Id, net.Id);
    } catch (err) {
      // Only recorded (a start that has not reached the network yet): dropping the record is the disconnect.
      if (!isNotFound(err)) throw err;
      if (!key) throw notConnected(c, net);
    }
    delete c.Network.Networks[net.Name];
    if (key) delete c.Network.Networks[key];
  } else if (!key) {
    throw notConnected(c, net);
  }
  if (key) delete c.EndpointsConfig[key];
  await deps.save(c);
}

/** dockerd answers this one with a 500 (a plain error there), not a 404: the container and the network both exist. */
function notConnected(c: ContainerRecord, net: NetworkRecord): BerthError {
  return internal(`container ${c.Id} is not connected to network ${net.Name}`);
}

function checkAddress(net: NetworkRecord, ip: string): void {
  const addr = parseIpv4(ip);
  const subnets = (net.IPAM.Config ?? []).map((cfg) => cfg.Subnet ?? '').filter((s) => s !== '');
  // Docker: a fixed address needs a network whose subnet the user chose.
  if (net.Name === 'bridge' || subnets.length === 0) throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets');
  if (!subnets.some((s) => !s.includes(':') && contains(parseCidr(s, true), addr))) throw invalid(`no configured subnet contains IP address ${ip}`);
}
