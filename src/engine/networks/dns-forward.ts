import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net, { isIP } from 'node:net';

// Upstream forwarding from the host side: berthd itself sends the query, so resolvers
// on the host's loopback (systemd-resolved, dnsmasq) work for containers too.

export interface Upstream {
  address: string;
  port: number;
}

export function parseResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const address = m?.[1]?.replace(/%.*$/, '');
    if (address && isIP(address)) out.push({ address, port: 53 });
  }
  return out;
}

export function hostUpstreams(file = '/etc/resolv.conf'): Upstream[] {
  try {
    return parseResolvConf(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** Send `query` to each upstream in turn; the first reply wins; undefined if none answers. */
export async function forwardUdp(query: Buffer, upstreams: Upstream[], timeoutMs = 2000): Promise<Buffer | undefined> {
  for (const up of upstreams) {
    const reply = await askOne(query, up, timeoutMs);
    if (reply) return reply;
  }
  return undefined;
}

/** The same over TCP, for TCP clients: their answers may exceed what UDP carries. */
export async function forwardTcp(query: Buffer, upstreams: Upstream[], timeoutMs = 2000): Promise<Buffer | undefined> {
  for (const up of upstreams) {
    const reply = await askOneTcp(query, up, timeoutMs);
    if (reply) return reply;
  }
  return undefined;
}

function askOneTcp(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: up.address, port: up.port });
    let data = Buffer.alloc(0);
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('close', () => done(undefined));
    sock.on('connect', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length, 0);
      sock.write(Buffer.concat([prefix, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) done(data.subarray(2, 2 + data.readUInt16BE(0)));
    });
  });
}

function askOne(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(up.address) === 6 ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (msg, rinfo) => {
      // A fresh socket per query; still check the sender and ID against spoofed replies.
      if (rinfo.address === up.address && rinfo.port === up.port && msg.length >= 2 && msg.readUInt16BE(0) === id) done(msg);
    });
    socket.send(query, up.port, up.address, (err) => {
      if (err) done(undefined);
    });
  });
}
