import dgram from 'node:dgram';
import net from 'node:net';
import { conflict, invalid } from '../../errors.js';
import type { PortBinding } from '../types.js';

// Published ports as a userland proxy in berthd: a listener on hostIp:hostPort that
// relays to containerIp:containerPort. It works for every client address, loopback
// included (DNAT alone does not see locally originated loopback traffic).

const UDP_IDLE_MS = 60_000;
/** Client flows per UDP port; beyond it the least recently started one is dropped. */
const UDP_MAX_FLOWS = 1024;

export interface PortProxy {
  /** The binding with hostPort resolved. */
  binding: PortBinding;
  close(): Promise<void>;
}

/** Where a listener binds: an address, and whether an IPv6 socket takes IPv6 only. */
interface Listen {
  host: string;
  ipv6Only: boolean;
}

const ALL_V4: Listen = { host: '0.0.0.0', ipv6Only: false };
const ALL_V6: Listen = { host: '::', ipv6Only: true };

function describe(b: PortBinding): string {
  return `${b.hostIp || '0.0.0.0'}:${b.hostPort}/${b.protocol}`;
}

function bindError(b: PortBinding, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EADDRINUSE') return conflict(`Bind for ${describe(b)} failed: port is already allocated`, err);
  if (err.code === 'EADDRNOTAVAIL') return invalid(`cannot publish on ${describe(b)}: ${b.hostIp} is not an address of this host`, err);
  return conflict(`cannot publish ${describe(b)}: ${err.message}`, err);
}

export async function openPortProxy(b: PortBinding, targetIp: string): Promise<PortProxy> {
  if (b.protocol !== 'tcp' && b.protocol !== 'udp') throw invalid(`publishing ${b.protocol} ports is not supported (tcp and udp are)`);
  const open = b.protocol === 'tcp' ? openTcp : openUdp;
  if (b.hostIp !== '' && b.hostIp !== '0.0.0.0' && b.hostIp !== '::') return open(b, targetIp, { host: b.hostIp, ipv6Only: false });
  return openAllAddresses(b, targetIp, open);
}

type Opener = (b: PortBinding, targetIp: string, at: Listen) => Promise<PortProxy>;

// All addresses, as Docker: 0.0.0.0 and [::] on the same port. A host without IPv6
// keeps the IPv4 listener alone; a picked port whose IPv6 twin is taken is picked again.
async function openAllAddresses(b: PortBinding, targetIp: string, open: Opener): Promise<PortProxy> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await open(b, targetIp, ALL_V4);
    try {
      const v6 = await open({ ...v4.binding, hostIp: '::' }, targetIp, ALL_V6);
      return { binding: v4.binding, close: async () => void (await Promise.all([v4.close(), v6.close()])) };
    } catch (err) {
      const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL') return v4;
      await v4.close();
      if (b.hostPort !== 0 || attempt >= 5) throw err;
    }
  }
}

async function openTcp(b: PortBinding, targetIp: string, at: Listen): Promise<PortProxy> {
  const conns = new Set<net.Socket>();
  // Half-open allowed both ways: a client may send its request, shut its side and still
  // wait for the answer (nc, HTTP/1.0 tools); each side's FIN is passed on by pipe().
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: targetIp, port: b.containerPort, allowHalfOpen: true });
    conns.add(client);
    conns.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      conns.delete(client);
      conns.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(b, err)));
    server.listen({ host: at.host, port: b.hostPort, exclusive: true, ipv6Only: at.ipv6Only }, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    binding: { ...b, hostPort: port },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.destroy();
        server.close(() => resolve());
      }),
  };
}

async function openUdp(b: PortBinding, targetIp: string, at: Listen): Promise<PortProxy> {
  const address = at.host;
  const listener = dgram.createSocket({ type: net.isIP(address) === 6 ? 'udp6' : 'udp4', ipv6Only: at.ipv6Only });
  let open = true;
  // One connected socket per client address, so replies find their way back.
  const flows = new Map<string, { socket: dgram.Socket; timer: NodeJS.Timeout }>();
  const drop = (key: string) => {
    const flow = flows.get(key);
    if (!flow) return;
    clearTimeout(flow.timer);
    flow.socket.close();
    flows.delete(key);
  };
  listener.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let flow = flows.get(key);
    if (!flow) {
      if (flows.size >= UDP_MAX_FLOWS) drop(flows.keys().next().value ?? '');
      const socket = dgram.createSocket('udp4');
      socket.on('message', (reply) => {
        if (open) listener.send(reply, rinfo.port, rinfo.address, () => undefined);
      });
      socket.on('error', () => drop(key));
      flow = { socket, timer: setTimeout(() => drop(key), UDP_IDLE_MS).unref() };
      flows.set(key, flow);
    } else {
      flow.timer.refresh();
    }
    flow.socket.send(msg, b.containerPort, targetIp, () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', (err: NodeJS.ErrnoException) => reject(bindError(b, err)));
    listener.bind({ address, port: b.hostPort, exclusive: true }, () => resolve());
  });
  listener.on('error', () => undefined);
  const port = listener.address().port;
  return {
    binding: { ...b, hostPort: port },
    close: () =>
      new Promise<void>((resolve) => {
        open = false;
        for (const key of [...flows.keys()]) drop(key);
        listener.close(() => resolve());
      }),
  };
}

/** Open all bindings or none: on a failure the ones already open are closed. */
export async function openPortProxies(bindings: PortBinding[], targetIp: string): Promise<PortProxy[]> {
  const opened: PortProxy[] = [];
  try {
    for (const b of bindings) opened.push(await openPortProxy(b, targetIp));
    return opened;
  } catch (err) {
    await Promise.all(opened.map((p) => p.close()));
    throw err;
  }
}
