import { invalid, unavailable } from '../../errors.js';
import type { IpamConfig, NetworkCreateRequest, NetworkService } from '../../engine/types.js';
import { parseFilters } from '../filters.js';
import { Reply, type Router } from '../router.js';

// /networks/...: Docker Engine API 1.41 wire shapes in and out; NetworkService does the
// work. Bodies are checked here, at the boundary, before anything reaches the engine.

/** The container side of connect/disconnect: the container's record and, when it runs, its sandbox. */
export interface ContainerNetworks {
  connect(idOrName: string, network: string, req: { aliases: string[]; ipv4Address?: string }): Promise<void>;
  /** force: drop a recorded network that no longer exists (Docker's `disconnect -f`). */
  disconnect(idOrName: string, network: string, force: boolean): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || Object.values(v).some((x) => typeof x !== 'string')) throw invalid(`${what} must be an object of strings`);
  return v as Record<string, string>;
}

function optionalString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`${what} must be a string`);
  return v;
}

function optionalBool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${what} must be a boolean`);
  return v;
}

export function parseCreateBody(body: unknown): NetworkCreateRequest {
  if (!isRecord(body)) throw invalid('network create: a JSON object body is required');
  const name = optionalString(body.Name, 'Name');
  if (!name) throw invalid('network create: Name is required');
  const req: NetworkCreateRequest = { Name: name };
  const driver = optionalString(body.Driver, 'Driver');
  if (driver) req.Driver = driver;
  for (const key of ['Internal', 'Attachable', 'EnableIPv6', 'CheckDuplicate'] as const) {
    const v = optionalBool(body[key], key);
    if (v !== undefined) req[key] = v;
  }
  const labels = stringMap(body.Labels, 'Labels');
  if (labels) req.Labels = labels;
  const options = stringMap(body.Options, 'Options');
  if (options) req.Options = options;
  if (body.IPAM !== undefined && body.IPAM !== null) {
    if (!isRecord(body.IPAM)) throw invalid('IPAM must be an object');
    const ipam: NonNullable<NetworkCreateRequest['IPAM']> = {};
    const ipamDriver = optionalString(body.IPAM.Driver, 'IPAM.Driver');
    if (ipamDriver) ipam.Driver = ipamDriver;
    const ipamOptions = stringMap(body.IPAM.Options, 'IPAM.Options');
    if (ipamOptions) ipam.Options = ipamOptions;
    const config = body.IPAM.Config;
    if (config !== undefined && config !== null) {
      if (!Array.isArray(config)) throw invalid('IPAM.Config must be a list');
      ipam.Config = config.map((c, i): IpamConfig => {
        if (!isRecord(c)) throw invalid(`IPAM.Config[${i}] must be an object`);
        const out: IpamConfig = {};
        const subnet = optionalString(c.Subnet, `IPAM.Config[${i}].Subnet`);
        const gateway = optionalString(c.Gateway, `IPAM.Config[${i}].Gateway`);
        const range = optionalString(c.IPRange, `IPAM.Config[${i}].IPRange`);
        if (subnet) out.Subnet = subnet;
        if (gateway) out.Gateway = gateway;
        if (range) out.IPRange = range;
        return out;
      });
    }
    req.IPAM = ipam;
  }
  return req;
}

interface ConnectBody {
  container: string;
  aliases: string[];
  ipv4Address?: string;
}

export function parseConnectBody(body: unknown): ConnectBody {
  if (!isRecord(body)) throw invalid('a JSON object body is required');
  const container = optionalString(body.Container, 'Container');
  if (!container) throw invalid('Container is required');
  const out: ConnectBody = { container, aliases: [] };
  const cfg = body.EndpointConfig;
  if (cfg === undefined || cfg === null) return out;
  if (!isRecord(cfg)) throw invalid('EndpointConfig must be an object');
  if (cfg.Aliases !== undefined && cfg.Aliases !== null) {
    if (!Array.isArray(cfg.Aliases) || cfg.Aliases.some((a) => typeof a !== 'string')) throw invalid('EndpointConfig.Aliases must be a list of strings');
    out.aliases = cfg.Aliases as string[];
  }
  if (cfg.IPAMConfig !== undefined && cfg.IPAMConfig !== null) {
    if (!isRecord(cfg.IPAMConfig)) throw invalid('EndpointConfig.IPAMConfig must be an object');
    const ip = optionalString(cfg.IPAMConfig.IPv4Address, 'EndpointConfig.IPAMConfig.IPv4Address');
    if (ip) out.ipv4Address = ip;
  }
  return out;
}

export function registerNetworkRoutes(router: Router, networks: NetworkService, containers?: ContainerNetworks): void {
  const engine = (): ContainerNetworks => {
    if (!containers) throw unavailable('connecting containers needs the container engine, which is not attached');
    return containers;
  };

  router.get('/networks', (ctx) => networks.list(parseFilters(ctx.query.get('filters'))));

  router.post('/networks/create', async (ctx) => {
    const req = parseCreateBody(await ctx.json());
    const record = await networks.create(req);
    // Said rather than refused: compose files ask for IPv6 without depending on it.
    const warning = req.EnableIPv6 ? 'IPv6 is not supported by berth: the network has IPv4 only' : '';
    return new Reply(201, { Id: record.Id, Warning: warning });
  });

  router.post('/networks/prune', async (ctx) => ({ NetworksDeleted: await networks.prune(parseFilters(ctx.query.get('filters'))) }));

  router.get('/networks/:id', (ctx) => networks.inspect(ctx.params.id ?? ''));

  router.delete('/networks/:id', async (ctx) => {
    await networks.remove(ctx.params.id ?? '');
    return undefined;
  });

  router.post('/networks/:id/connect', async (ctx) => {
    const body = parseConnectBody(await ctx.json());
    const req: { aliases: string[]; ipv4Address?: string } = { aliases: body.aliases };
    if (body.ipv4Address) req.ipv4Address = body.ipv4Address;
    await engine().connect(body.container, ctx.params.id ?? '', req);
    return new Reply(200);
  });

  router.post('/networks/:id/disconnect', async (ctx) => {
    const raw = await ctx.json();
    const body = parseConnectBody(raw);
    const force = optionalBool(isRecord(raw) ? raw.Force : undefined, 'Force') ?? false;
    await engine().disconnect(body.container, ctx.params.id ?? '', force);
    return new Reply(200);
  });
}
