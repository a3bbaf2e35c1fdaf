import net from 'node:net';

/** Does something accept connections on this UNIX socket? (berthd's liveness, seen from outside.) */
export function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    conn.on('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.on('error', () => resolve(false));
  });
}
