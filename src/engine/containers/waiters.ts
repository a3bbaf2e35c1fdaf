// POST /containers/:id/wait: callers parked until the next exit or the removal.
export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

type Resolve = (r: WaitResult) => void;

export class Waiters {
  private readonly onExit = new Map<string, Set<Resolve>>();
  private readonly onRemove = new Map<string, Set<Resolve>>();

  nextExit(id: string): Promise<WaitResult> {
    return this.park(this.onExit, id);
  }

  removed(id: string): Promise<WaitResult> {
    return this.park(this.onRemove, id);
  }

  exited(id: string, code: number): void {
    this.release(this.onExit, id, { StatusCode: code, Error: null });
  }

  gone(id: string, code: number): void {
    this.release(this.onExit, id, { StatusCode: code, Error: null });
    this.release(this.onRemove, id, { StatusCode: code, Error: null });
  }

  private park(map: Map<string, Set<Resolve>>, id: string): Promise<WaitResult> {
    return new Promise((resolve) => {
      const set = map.get(id) ?? new Set<Resolve>();
      set.add(resolve);
      map.set(id, set);
    });
  }

  private release(map: Map<string, Set<Resolve>>, id: string, result: WaitResult): void {
    const set = map.get(id);
    map.delete(id);
    for (const resolve of set ?? []) resolve(result);
  }
}
