// POST /containers/:id/wait: callers parked until the next exit or the removal.
export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

type Resolve = (r: WaitResult) => void;

export class Waiters {
  private readonly onExit = new Map<string, Set<Resolve>>();
  private readonly onRemove = new Map<string, Set<Resolve>>();

  /** With a signal, the caller gives up on abort (the promise then never settles, and is dropped). */
  nextExit(id: string, signal?: AbortSignal): Promise<WaitResult> {
    return this.park(this.onExit, id, signal);
  }

  removed(id: string, signal?: AbortSignal): Promise<WaitResult> {
    return this.park(this.onRemove, id, signal);
  }

  exited(id: string, code: number): void {
    this.release(this.onExit, id, { StatusCode: code, Error: null });
  }

  gone(id: string, code: number): void {
    this.release(this.onExit, id, { StatusCode: code, Error: null });
    this.release(this.onRemove, id, { StatusCode: code, Error: null });
  }

  private park(map: Map<string, Set<Resolve>>, id: string, signal?: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      const set = map.get(id) ?? new Set<Resolve>();
      set.add(resolve);
      map.set(id, set);
      signal?.addEventListener('abort', () => {
        set.delete(resolve);
        if (set.size === 0 && map.get(id) === set) map.delete(id);
      });
    });
  }

  private release(map: Map<string, Set<Resolve>>, id: string, result: WaitResult): void {
    const set = map.get(id);
    map.delete(id);
    for (const resolve of set ?? []) resolve(result);
  }
}
