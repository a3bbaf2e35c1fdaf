import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, invalid, notFound } from '../../errors.js';
import type { DetachedExec, ExecStream } from '../../runtime/drivers/exec.js';
import type { OciProcess } from '../../runtime/types.js';
import type { Containers } from './containers.js';
import { containerAttributes } from './container-service.js';
import type { ContainerRecord } from './model.js';
import { resolveUser } from './user-resolve.js';
import { bool, obj, str, strList } from './wire-check.js';

// Exec instances (POST /containers/:id/exec, /exec/:id/start, /exec/:id/json, /exec/:id/resize):
// a process run inside a running container through the runtime's exec, output streamed
// back; with Tty on a pseudo-terminal whose size follows resize (a size asked for before
// the process runs is applied when it starts, as Docker waits for it). Pid is the
// process's host pid.

export interface ExecInstance {
  ID: string;
  containerId: string;
  config: { Cmd: string[]; Env: string[]; WorkingDir: string; User: string; Tty: boolean; AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; Privileged: boolean };
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  started: boolean;
  /** the last size asked for (rows, cols) */
  size?: { rows: number; cols: number };
  /** set while the process runs on a terminal */
  resizeTty?: (rows: number, cols: number) => void;
}

export interface ExecIo {
  stdin?: Readable;
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
}

interface StreamingDriver {
  execStream(id: string, process: OciProcess, opts?: { tty?: boolean }): Promise<ExecStream>;
}

function canStream(d: object): d is StreamingDriver {
  return typeof (d as Partial<StreamingDriver>).execStream === 'function';
}

interface DetachingDriver {
  execDetached(id: string, process: OciProcess): Promise<DetachedExec>;
}

function canDetach(d: object): d is DetachingDriver {
  return typeof (d as Partial<DetachingDriver>).execDetached === 'function';
}

/** Docker's exit code of an exec whose process never started (the runtime refused it). */
const CANNOT_START = 126;

export class ExecService {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly containers: Containers) {
    // Exec instances live as long as their container (as in Docker).
    containers.opts.events.subscribe((e) => {
      if (e.Type !== 'container' || e.Action !== 'destroy') return;
      for (const [id, inst] of this.execs) if (inst.containerId === e.Actor.ID) this.execs.delete(id);
    });
  }

  create(ref: string, body: unknown): { Id: string } {
    const c = this.containers.get(ref);
    this.containers.lifecycle.assertRunning(c);
    const b = obj(body, 'body') ?? {};
    const cmd = strList(b, 'Cmd', 'ExecConfig');
    if (!cmd || cmd.length === 0) throw invalid('No exec command specified');
    const inst: ExecInstance = {
      ID: randomBytes(32).toString('hex'),
      containerId: c.Id,
      config: {
        Cmd: cmd,
        Env: strList(b, 'Env', 'ExecConfig') ?? [],
        WorkingDir: str(b, 'WorkingDir', 'ExecConfig') ?? '',
        User: str(b, 'User', 'ExecConfig') ?? '',
        Tty: bool(b, 'Tty', 'ExecConfig') ?? false,
        AttachStdin: bool(b, 'AttachStdin', 'ExecConfig') ?? false,
        AttachStdout: bool(b, 'AttachStdout', 'ExecConfig') ?? false,
        AttachStderr: bool(b, 'AttachStderr', 'ExecConfig') ?? false,
        Privileged: bool(b, 'Privileged', 'ExecConfig') ?? false,
      },
      Running: false,
      ExitCode: null,
      Pid: 0,
      started: false,
    };
    const size = consoleSize(b.ConsoleSize);
    if (size) inst.size = size;
    this.execs.set(inst.ID, inst);
    this.containers.opts.events.emit('container', `exec_create: ${cmd.join(' ')}`, c.Id, containerAttributes(c, { execID: inst.ID }));
    return { Id: inst.ID };
  }

  get(id: string): ExecInstance {
    const inst = this.execs.get(id);
    if (!inst) throw notFound(`No such exec instance: ${id}`);
    return inst;
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    return {
      ID: e.ID,
      ContainerID: e.containerId,
      Running: e.Running,
      ExitCode: e.ExitCode,
      Pid: e.Pid,
      OpenStdin: e.config.AttachStdin,
      OpenStdout: e.config.AttachStdout,
      OpenStderr: e.config.AttachStderr,
      CanRemove: false,
      DetachKeys: '',
      ProcessConfig: { tty: e.config.Tty, entrypoint: e.config.Cmd[0], arguments: e.config.Cmd.slice(1), privileged: e.config.Privileged, user: e.config.User },
    };
  }

  /** POST /exec/:id/resize: now if the process runs on a terminal, else when it starts. */
  resize(id: string, rows: number, cols: number): void {
    const inst = this.get(id);
    inst.size = { rows, cols };
    inst.resizeTty?.(rows, cols);
  }

  /** Check before answering the hijack: a started exec cannot start again. */
  claim(id: string): { inst: ExecInstance; container: ContainerRecord } {
    const inst = this.get(id);
    if (inst.started) throw conflict(`Error: Exec command ${id} has already run`);
    const container = this.containers.get(inst.containerId);
    this.containers.lifecycle.assertRunning(container);
    inst.started = true;
    return { inst, container };
  }

  /**
   * Start a claimed exec detached: resolves once its process runs (Running, Pid), or fails with
   * the runtime's error (ExitCode 126, as dockerd); the exit code is recorded when it ends.
   */
  async runDetached(inst: ExecInstance, c: ContainerRecord): Promise<void> {
    const driver = this.containers.opts.runtime.driver;
    if (!canDetach(driver)) {
      // A driver without detached execs (test doubles): its collected exec, at once.
      await this.run(inst, c, { stdout: () => undefined, stderr: () => undefined }, true);
      return;
    }
    const proc = await this.process(inst, c);
    this.emitStart(inst, c);
    let started: DetachedExec;
    try {
      started = await driver.execDetached(c.Id, proc);
    } catch (err) {
      this.ended(inst, c, CANNOT_START);
      throw err;
    }
    inst.Pid = started.pid;
    inst.Running = true;
    void started.done.then((code) => this.ended(inst, c, code ?? -1));
  }

  private emitStart(inst: ExecInstance, c: ContainerRecord): void {
    this.containers.opts.events.emit('container', `exec_start: ${inst.config.Cmd.join(' ')}`, c.Id, containerAttributes(c, { execID: inst.ID }));
  }

  private ended(inst: ExecInstance, c: ContainerRecord, code: number): void {
    inst.Running = false;
    inst.ExitCode = code;
    this.containers.opts.events.emit('container', 'exec_die', c.Id, containerAttributes(c, { execID: inst.ID, exitCode: String(code) }));
  }

  /** Run a claimed exec; resolves with its exit code. */
  async run(inst: ExecInstance, c: ContainerRecord, io: ExecIo, detach: boolean): Promise<number> {
    const proc = await this.process(inst, c);
    this.emitStart(inst, c);
    inst.Running = true;
    const driver = this.containers.opts.runtime.driver;
    let code: number;
    try {
      if (!detach && canStream(driver)) {
        const { child, done, pid, resize } = await driver.execStream(c.Id, proc, { tty: inst.config.Tty });
        if (inst.config.Tty) {
          inst.resizeTty = resize;
          if (inst.size) resize(inst.size.rows, inst.size.cols);
        }
        // The pid file is written just after the execve: output is held until then, so a
        // client that saw output finds the Pid in inspect. (Listening at once: node drops
        // the output of an exited child whose streams nobody listens to.)
        let held: (() => void)[] | undefined = [];
        const forward = (to: (b: Buffer) => void) => (b: Buffer) => (held ? held.push(() => to(b)) : to(b));
        child.stdout?.on('data', forward((b) => io.stdout(b)));
        child.stderr?.on('data', forward((b) => io.stderr(b)));
        inst.Pid = (await pid) ?? 0;
        for (const f of held) f();
        held = undefined;
        if (io.stdin && inst.config.AttachStdin && child.stdin) io.stdin.pipe(child.stdin);
        else child.stdin?.end();
        code = (await done) ?? -1;
        // The runtime could not start it (its message went to the client's stderr).
        if (inst.Pid === 0 && code !== 0) code = CANNOT_START;
      } else {
        const r = await driver.exec(c.Id, proc, detach ? { detach: true } : {});
        inst.Pid = r.pid ?? 0;
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        code = r.exitCode;
      }
    } finally {
      inst.Running = false;
      delete inst.resizeTty;
    }
    this.ended(inst, c, code);
    return code;
  }

  private async process(inst: ExecInstance, c: ContainerRecord): Promise<OciProcess> {
    const rootfs = this.containers.registry.paths(c.Id).rootfs;
    const user = await resolveUser(rootfs, inst.config.User || c.Config.User);
    const env = [...c.Config.Env];
    for (const e of inst.config.Env) {
      const key = e.split('=')[0];
      const i = env.findIndex((x) => x.split('=')[0] === key);
      if (i >= 0) env[i] = e;
      else env.push(e);
    }
    if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home || '/'}`);
    // A size known before the start is the terminal's from its creation (process.consoleSize), before the execve.
    const size = inst.config.Tty && inst.size ? { consoleSize: { height: inst.size.rows, width: inst.size.cols } } : {};
    return { args: inst.config.Cmd, env, cwd: inst.config.WorkingDir || c.Config.WorkingDir || '/', user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids }, terminal: false, ...size };
  }
}

/** ExecConfig.ConsoleSize (API 1.42, [rows, cols]): the terminal's size from the start; null or [0, 0] = none. */
function consoleSize(v: unknown): { rows: number; cols: number } | undefined {
  if (v === undefined || v === null) return undefined;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (!Array.isArray(v) || v.length !== 2 || !ok(v[0]) || !ok(v[1])) throw invalid('ExecConfig.ConsoleSize must be [height, width]');
  return v[0] > 0 && v[1] > 0 ? { rows: v[0], cols: v[1] } : undefined;
}
