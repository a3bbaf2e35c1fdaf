import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { nativeBinary } from '../config/paths.js';

// Host tools (mount, umount, ip, unshare) run through one long-lived server that forks
// them: berth-spawn (src/runtime/core/spawn.c: one vfork per tool), else a /bin/sh loop
// (two forks of a shell per tool). Why: node's spawn blocks the event loop ~3 ms per child
// (it forks berthd itself and waits for the exec), which for 30 containers started and
// removed at once is ~1 s of a busy daemon; a request here costs berthd a pipe write.
// Output goes through files in a private temp dir. Any problem with the server (not
// started, died, an argument it cannot carry) falls back to a direct spawn.

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  input?: string;
  cwd?: string;
}

// A request is its id on a line; the command, shell text whose words are all single-quoted,
// waits in <dir>/<id>.c (sh reads a pipe one byte per read(2): a 500-byte command line
// cost it 500 system calls). The job reports "<id> <status>" on sh's stdout (one short
// write: atomic).
// `jobs` makes dash reap the jobs that have ended (it does not otherwise while reading),
// so at most the jobs that ended since the previous request wait as zombies. At EOF (idle,
// or berthd gone, even by SIGKILL) sh waits for its jobs and removes the scratch dir itself.
const SERVER_SCRIPT = `D=$1
while IFS= read -r id; do
  { (. "$D/$id.c") >"$D/$id.o" 2>"$D/$id.e"; echo "$id $?"; } &
  jobs >/dev/null
done
wait
rm -rf "$D"`;

/** berth-spawn when built (next to berth-core), else undefined: the sh loop serves. */
function nativeServer(): string | undefined {
  if (process.env.BERTH_SPAWN_SERVER === 'sh') return undefined;
  const file = path.join(path.dirname(nativeBinary('berth-core')), 'berth-spawn');
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

/** tmpfs when there is one: the request files never need to reach a disk. */
function scratchRoot(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return tmpdir();
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// Each tool is exec'd by its absolute path, found once: sh's PATH walk tries every earlier
// directory first (8 failed execve here per tool). A name not found stays as given (sh
// reports it missing, status 127).
const resolved = new Map<string, string>();
const TOOL_DIRS = [...new Set([...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])].filter((d) => d.startsWith('/'));

export function toolPath(cmd: string): string {
  if (cmd.includes('/')) return cmd;
  let found = resolved.get(cmd);
  if (found === undefined) {
    found = cmd;
    for (const dir of TOOL_DIRS) {
      try {
        const file = path.join(dir, cmd);
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) {
          found = file;
          break;
        }
      } catch {
        // not in this directory
      }
    }
    resolved.set(cmd, found);
  }
  return found;
}

/**
 * An idle server goes after this long. 30 s: a user's next command usually comes within it, and
 * a server made again costs that command's start ~3-5 ms (node's spawn, cold caches); berthd's
 * end (even by SIGKILL) ends it at once (EOF on its stdin), so it never outlives berthd.
 */
const IDLE_MS = 30_000;

class SpawnServer {
  private child: ChildProcess | undefined;
  /** The server is berth-spawn: requests are NUL-separated fields, not shell text. */
  private native = false;
  private dir = '';
  private next = 0;
  private readonly pending = new Map<number, (status: number | null | undefined) => void>();
  /** BERTH_SPAWN_SERVER=0: spawn directly (to compare, or on a host without a usable /bin/sh). */
  private broken = process.env.BERTH_SPAWN_SERVER === '0';
  private idleTimer: NodeJS.Timeout | undefined;
  /** Referenced only while answers are awaited: an idle server keeps no process alive. */
  private stdout: Socket | undefined;

  private ensure(): ChildProcess | undefined {
    if (this.broken) return undefined;
    if (this.child) return this.child;
    try {
      const dir = mkdtempSync(path.join(scratchRoot(), 'berth-spawn-'));
      this.dir = dir;
      // The C locale: the tools (mount, ip, nsenter...) then skip loading the locale's files
      // (~30 syscalls per exec); their messages are the same English ones.
      const native = nativeServer();
      const env = { ...process.env, LC_ALL: 'C' };
      const child = native
        ? spawn(native, [dir], { stdio: ['pipe', 'pipe', 'ignore'], env })
        : spawn('/bin/sh', ['-c', SERVER_SCRIPT, 'berth-spawn', dir], { stdio: ['pipe', 'pipe', 'ignore'], env });
      this.native = native !== undefined;
      child.unref();
      const gone = (): void => {
        rmSync(dir, { recursive: true, force: true });
        if (this.child !== child) return; // closed when idle: the next request starts another
        // Died under us: fail its waiters over to direct spawns, and spawn directly from now on.
        this.broken = true;
        this.child = undefined;
        const waiting = [...this.pending.values()];
        this.pending.clear();
        for (const done of waiting) done(undefined);
      };
      child.on('error', gone);
      child.on('exit', gone);
      child.stdin?.on('error', () => undefined); // seen as the exit
      const stdout = child.stdout;
      if (!stdout || !child.stdin) throw new Error('no pipes');
      this.stdout = stdout as Socket;
      this.stdout.unref();
      (child.stdin as Socket).unref();
      createInterface({ input: stdout }).on('line', (line) => {
        const [id, status] = line.split(' ');
        const done = this.pending.get(Number(id));
        this.pending.delete(Number(id));
        if (this.pending.size === 0) this.idle();
        done?.(status === undefined ? null : Number(status));
      });
      this.child = child;
      return child;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  removeDir(): void {
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true });
  }

  private idle(): void {
    this.stdout?.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const child = this.child;
      if (!child || this.pending.size > 0) return;
      this.child = undefined;
      child.stdin?.end(); // sh reads EOF and exits
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  /** undefined when the server cannot take it: the caller spawns directly. */
  async run(cmd: string, args: string[], opts: ToolOptions): Promise<ToolResult | undefined> {
    const words = [cmd, ...args, ...(opts.cwd !== undefined ? [opts.cwd] : [])];
    // C strings end at NUL: such arguments go direct.
    if (words.some((w) => w.includes('\0'))) return undefined;
    const child = this.ensure();
    if (!child?.stdin) return undefined;
    clearTimeout(this.idleTimer);
    const id = this.next++;
    const base = path.join(this.dir, String(id));
    let stdin = '/dev/null';
    // The request's small files use sync calls on purpose: ~20 µs each on the event loop,
    // where the async ones queue ~11 round trips per tool behind the 4-thread pool that
    // container starts and removals keep busy.
    if (opts.input !== undefined && opts.input !== '') {
      stdin = `${base}.i`;
      writeFileSync(stdin, opts.input);
    }
    if (this.native) {
      // cwd ("" for ours), stdin file, argv: each NUL-terminated. berth-spawn unmounts and
      // mounts overlays itself (spawn.c): util-linux's umount parses the whole mountinfo per
      // target (~5 ms a run here with 30 containers' overlays mounted), and mount(8) costs
      // ~3-7 ms on every container start's path.
      const argv = builtinArgv(cmd, args) ?? [toolPath(cmd), ...args];
      writeFileSync(`${base}.c`, [opts.cwd ?? '', stdin, ...argv].map((w) => `${w}\0`).join(''));
    } else {
      const exec = `exec ${[toolPath(cmd), ...args].map(quote).join(' ')} <${quote(stdin)}`;
      writeFileSync(`${base}.c`, `${opts.cwd !== undefined ? `cd ${quote(opts.cwd)} || exit 127; ${exec}` : exec}\n`);
    }
    const status = await new Promise<number | null | undefined>((resolve) => {
      this.pending.set(id, resolve);
      this.stdout?.ref();
      child.stdin?.write(`${id}\n`);
    });
    // berth-spawn deletes the request and stdin files itself (once read or open).
    const files = this.native && status !== undefined ? [`${base}.o`, `${base}.e`] : [`${base}.o`, `${base}.e`, `${base}.i`, `${base}.c`];
    const read = (f: string): string => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return '';
      }
    };
    const [stdout, stderr] = status === undefined ? ['', ''] : [read(`${base}.o`), read(`${base}.e`)];
    for (const f of files) unlinkQuiet(f);
    if (status === undefined) return undefined;
    return { code: status, stdout, stderr };
  }
}

/** unlink(2) alone: rmSync's force first lstats each file (node 20 does it in JS). */
function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}

/** berth-spawn's own version of a request (spawn.c), when it has one for exactly this. */
function builtinArgv(cmd: string, args: string[]): string[] | undefined {
  if (cmd === 'umount' && args.every((a) => a.startsWith('/') || a === '-l' || a === '--lazy')) return ['@umount', ...args];
  const [t, type, source, o, options, target, ...more] = args;
  if (cmd === 'mount' && t === '-t' && type === 'overlay' && source === 'overlay' && o === '-o' && options !== undefined && target?.startsWith('/') && more.length === 0) {
    return ['@mount-overlay', options, target];
  }
  return undefined;
}

const server = new SpawnServer();
// berthd exiting with work in flight: its files go too (sh itself ends at EOF on stdin).
process.once('exit', () => server.removeDir());

/** Run a host tool (argv, no shell of ours): through the spawn server, else directly. */
export async function runTool(cmd: string, args: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  const viaServer = await server.run(cmd, args, opts).catch(() => undefined);
  return viaServer ?? spawnDirect(cmd, args, opts);
}

/** A missing tool comes back as status 127 from sh; directly it is ENOENT, rethrown as is. */
function spawnDirect(cmd: string, args: string[], opts: ToolOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined); // the tool may exit before reading all of stdin
    child.stdin.end(opts.input ?? '');
  });
}
