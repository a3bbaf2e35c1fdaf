// Gathers the requests made in the same turn of the event loop and serves them with
// one call (one `ip -batch`, one `umount`): 30 containers starting together cost one
// process instead of 30. Each caller still gets its own result.

export type FlushFn<T> = (items: T[]) => Promise<(Error | undefined)[]>;

export class Coalescer<T> {
  private queue: { item: T; resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly flush: FlushFn<T>) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    let errors: (Error | undefined)[];
    try {
      errors = await this.flush(batch.map((b) => b.item));
    } catch (err) {
      errors = batch.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    batch.forEach((b, i) => {
      const err = errors[i];
      if (err) b.reject(err);
      else b.resolve();
    });
  }
}
