// Serves many requests with one call (one `ip -batch`, one `umount A B C`, one `rm -rf`):
// 30 containers starting or going together cost one process instead of 30. Each caller
// still gets its own result. Two ways of gathering:
//  - 'tick' (default): the requests made in the same turn of the event loop, flushed at
//    once, a flush per turn (for work a start waits for);
//  - 'whileRunning': a lone request is flushed at once, and what comes while a flush runs
//    goes in the next one, so batches grow with the load (for clean-up nothing waits for).

export type FlushFn<T> = (items: T[]) => Promise<(Error | undefined)[]>;

export interface CoalescerOptions {
  gather?: 'tick' | 'whileRunning';
}

export class Coalescer<T> {
  private queue: { item: T; resolve: () => void; reject: (err: Error) => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly flush: FlushFn<T>,
    private readonly options: CoalescerOptions = {},
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.options.gather === 'whileRunning') this.running ??= this.drainAll();
      else if (this.queue.length === 1) setImmediate(() => void this.drain());
    });
  }

  private async drainAll(): Promise<void> {
    while (this.queue.length > 0) await this.drain();
    this.running = undefined;
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
