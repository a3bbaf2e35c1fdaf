// Ctrl-C for long-running commands: the first SIGINT asks for a graceful stop, a second
// one forces. Listeners are removed when the command is done.

export class Interrupts {
  readonly graceful = new AbortController();
  readonly forced = new AbortController();
  private count = 0;
  private readonly handler = () => {
    this.count++;
    if (this.count === 1) this.graceful.abort();
    else this.forced.abort();
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
