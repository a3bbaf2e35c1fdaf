import { Listr, type DefaultRenderer, type ListrTask, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;
import type { ExpectedResource, ProgressEvent, ProgressSink } from './events.js';

// The TTY renderer: listr2 draws one line per resource ("✔ Container p-web-1  Started"),
// all concurrently; a line completes when its resource has finished all its steps, and
// fails with the error text. Events are queued per resource and replayed into its task.

interface Line {
  resource: ExpectedResource;
  finished: number;
  queue: ProgressEvent[];
  wake?: () => void;
  closed: boolean;
}

export class TtyProgress implements ProgressSink {
  private readonly lines = new Map<string, Line>();
  private readonly notes: string[] = [];
  private running: Promise<unknown> | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  begin(resources: ExpectedResource[]): void {
    const tasks = resources.map((r): ListrTask<unknown, typeof DefaultRenderer, typeof SimpleRenderer> => {
      const line: Line = { resource: r, finished: 0, queue: [], closed: false };
      this.lines.set(`${r.type} ${r.name}`, line);
      return { title: `${r.type} ${r.name}`, task: (_ctx, task) => this.follow(line, task) };
    });
    const list = new Listr<unknown, 'default', 'simple'>(tasks, { concurrent: true, exitOnError: false, registerSignalListeners: false, renderer: 'default', rendererOptions: { collapseErrors: false } });
    this.running = list.run().catch(() => undefined);
  }

  emit(e: ProgressEvent): void {
    const line = this.lines.get(`${e.type} ${e.name}`);
    if (!line) {
      // Not announced by begin() (a command reporting by itself): print it plainly.
      this.out.write(` ${e.type} ${e.name}  ${e.status}${e.detail && e.status === 'Error' ? ` ${e.detail}` : ''}\n`);
      return;
    }
    line.queue.push(e);
    line.wake?.();
  }

  note(message: string): void {
    this.notes.push(message);
  }

  async close(): Promise<void> {
    for (const line of this.lines.values()) {
      line.closed = true;
      line.wake?.();
    }
    await this.running;
    for (const n of this.notes) this.out.write(`WARN ${n}\n`);
  }

  private async follow(line: Line, task: Task): Promise<void> {
    const label = `${line.resource.type} ${line.resource.name}`;
    for (;;) {
      const e = line.queue.shift();
      if (!e) {
        if (line.closed) return;
        await new Promise<void>((resolve) => (line.wake = resolve));
        line.wake = undefined;
        continue;
      }
      task.title = `${label}  ${e.status}`;
      if (e.status === 'Error') throw new Error(`${label}  ${e.detail ?? 'Error'}`);
      if (e.done && ++line.finished >= line.resource.steps) return;
    }
  }
}
