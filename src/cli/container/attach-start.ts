import type { EngineClient } from '../../client/engine-client.js';
import { attachSession, followTerminalSize } from './attach-io.js';

// Docker's attached start, shared by `container run` and `container start -a`: attach
// (stdout, stderr, and stdin with -i) → start → wait for the exit (or the removal) while the
// output is shown, the terminal's size followed, and the detach keys watched.

export interface AttachStartOptions {
  tty: boolean;
  interactive: boolean;
  /** The detach key sequence (parseDetachKeys). */
  keys: Buffer;
  /** What the wait waits for: `removed` for an AutoRemove container (the engine removes it). */
  condition: 'next-exit' | 'removed';
  /** docker's --sig-proxy: the signals the CLI gets go to the container (never with a TTY: the terminal carries ^C). */
  sigProxy: boolean;
  /** The start failed: undo what the caller made (run --rm removes its container). */
  onStartFailure?: () => Promise<void>;
}

/** The container's exit status, or 0 when the user detached (the container runs on). */
export async function attachAndStart(client: EngineClient, id: string, opts: AttachStartOptions): Promise<number> {
  // The wait goes beside the attach (docker sends it after): one round trip less before the start.
  const waiting = new AbortController();
  const waited = client.request<{ StatusCode: number; Error?: { Message?: string } | null }>('POST', `/containers/${id}/wait`, {
    query: { condition: opts.condition },
    signal: waiting.signal,
  });
  // Awaited below; a failure before then (the attach's) must not go unhandled.
  waited.catch(() => undefined);
  const { socket, head } = await client
    .hijack('POST', `/containers/${id}/attach`, {
      query: { stream: 1, stdout: 1, stderr: 1, stdin: opts.interactive ? 1 : 0 },
    })
    .catch((err: unknown) => {
      waiting.abort();
      throw err;
    });
  const session = attachSession(socket, head, {
    tty: opts.tty,
    stdin: opts.interactive,
    keys: opts.keys,
    sigProxy: opts.sigProxy,
    kill: (signal) => client.request('POST', `/containers/${id}/kill`, { query: { signal } }),
  });
  let stopResize = (): void => undefined;
  try {
    try {
      await client.request('POST', `/containers/${id}/start`);
    } catch (err) {
      waiting.abort();
      socket.destroy();
      await opts.onStartFailure?.();
      throw err;
    }
    session.running();
    if (opts.tty) stopResize = followTerminalSize((h, w) => client.request('POST', `/containers/${id}/resize`, { query: { h, w } }));
    const result = await Promise.race([waited, session.detached.then(() => undefined)]).catch((err: unknown) => {
      socket.destroy();
      throw err;
    });
    if (result === undefined) {
      // Detached: the container runs on (an AutoRemove one is still removed once it exits).
      waiting.abort();
      socket.destroy();
      return 0;
    }
    await session.output;
    if (result.Error?.Message) process.stderr.write(`berth: ${result.Error.Message}\n`);
    return result.StatusCode;
  } finally {
    // Whatever ended the session (the exit, a detach, a failed start or wait), nothing of it stays behind.
    session.end();
    stopResize();
  }
}
