// Kernel clean-up that no API answer has to wait for: the unmount of a removed
// container's rootfs, the deletion of its directory, the end of a released sandbox's
// namespace and veth. Each umount and link deletion waits for an RCU grace period
// (10–40 ms here), which `docker run --rm` would otherwise wait for at every exit.
// Work is keyed (a container ID) so a new run of the same container can wait for the
// previous one's; close() waits for all of it, so a stopped berthd leaves nothing.

export class Background {
  private readonly running = new Map<string, Promise<void>>();

  /** Start `fn` now, after any earlier work under the same key. Errors go to `onError`. */
  run(key: string, fn: () => Promise<void>, onError: (err: unknown) => void = () => undefined): void {
    const prev = this.running.get(key);
    const p = (prev ? prev.then(fn) : fn()).catch(onError);
    this.running.set(key, p);
    void p.then(() => {
      if (this.running.get(key) === p) this.running.delete(key);
    });
  }

  /** Resolves once the work under `key` (if any) is over. */
  wait(key: string): Promise<void> {
    return this.running.get(key) ?? Promise.resolve();
  }

  /** Everything, including work started while waiting. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
