// A promise-chain mutex: callers run one at a time, in arrival order, inside one process.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    // Keep the chain alive whether fn succeeds or fails.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
