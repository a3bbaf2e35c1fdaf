import dgram from 'node:dgram';
import net from 'node:net';
import { decide } from './dns-answer.js';
import { forwardTcp, forwardUdp, type Upstream } from './dns-forward.js';
import type { DnsRecords } from './dns-records.js';
import { buildResponse, parseQuery, RCODE_FORMERR, RCODE_SERVFAIL } from './dns-wire.js';

// One DNS server per network on the gateway address, UDP and TCP port 53. Containers
// point resolv.conf at it. Answers come from DnsRecords; the rest is forwarded.

export class DnsResponder {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly conns = new Set<net.Socket>();

  constructor(
    private readonly networkId: string,
    private readonly address: string,
    private readonly records: DnsRecords,
    private readonly upstreams: () => Upstream[],
    private readonly port = 53,
  ) {}

  async start(): Promise<void> {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg, rinfo.address, 'udp').then((reply) => {
        // The socket may have been closed while an upstream was being asked.
        if (reply && this.udp === udp) udp.send(reply, rinfo.port, rinfo.address, () => undefined);
      });
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.port, this.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', () => undefined);
    this.udp = udp;
    const tcp = net.createServer((sock) => this.serveTcp(sock));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(this.port, this.address, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.conns) c.destroy();
    if (udp) await new Promise<void>((r) => udp.close(() => r()));
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  private async answer(msg: Buffer, sourceIp: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query;
    try {
      query = parseQuery(msg);
    } catch {
      if (msg.length < 12) return undefined;
      return buildResponse({ id: msg.readUInt16BE(0), flags: msg.readUInt16BE(2), questions: [], questionBytes: Buffer.alloc(0) }, RCODE_FORMERR, []);
    }
    // A response (QR set) is never answered: two resolvers must not ping-pong.
    if (query.flags & 0x8000) return undefined;
    const decision = decide(query, this.records, this.networkId, sourceIp);
    if (decision.kind === 'answer') return buildResponse(query, decision.rcode, decision.records);
    const reply = await (transport === 'udp' ? forwardUdp : forwardTcp)(msg, this.upstreams());
    return reply ?? buildResponse(query, RCODE_SERVFAIL, []);
  }

  // TCP DNS: each message is preceded by its 16-bit length (RFC 1035 4.2.2).
  private serveTcp(sock: net.Socket): void {
    this.conns.add(sock);
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => sock.destroy());
    let pending = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        void this.answer(msg, sock.remoteAddress?.replace(/^::ffff:/, '') ?? '', 'tcp').then((reply) => {
          if (!reply || sock.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length, 0);
          sock.write(Buffer.concat([prefix, reply]));
        });
      }
    });
  }
}
