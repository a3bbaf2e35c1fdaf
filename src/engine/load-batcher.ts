// Gathers what is asked for while one batch runs and serves it all with the next call:
// a lone request runs at once; under load (30 containers removed together) the batches
// grow, and 30 `umount`, `rm` or `ip link del` processes become a few. Only for work no
// start waits for: a request may wait for the batch before its own.

export type BatchFn<T> = (items: T[]) => Promise<void>;

export class LoadBatcher<T> {
  private waiting: { item: T; done: () => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly run: BatchFn<T>) {}

  /** Resolves once a batch holding `item` has run, whether or not it did its part: callers check. */
  submit(item: T): Promise<void> {
    return new Promise((done) => {
      this.waiting.push({ item, done });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      // A failure is each caller's to find (they check their own item); a throw ends no batch.
      let ran: Promise<void>;
      try {
        ran = this.run(batch.map((b) => b.item));
      } catch {
        ran = Promise.resolve();
      }
      await ran.catch(() => undefined);
      for (const b of batch) b.done();
    }
    this.running = undefined;
  }
}
