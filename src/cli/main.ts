#!/usr/bin/env node
import { type Command, CommanderError, Option } from 'commander';
import { BerthCommand } from './berth-command.js';
import { promptExitAllowed, reportError } from './command-adapter.js';
import { registerCommands } from './commands.js';

// The berth CLI. Each command lives in its own file and registers itself through
// commands.ts (only the groups argv needs); this file only defines the global flags and
// runs the program.
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new BerthCommand('berth');
  program
    .description('Run multi-container applications described by a Compose file, on berth\'s own engine')
    .version('0.1.0', '-v, --version', 'print the berth version')
    .option('-f, --file <file>', 'compose configuration file (repeatable, - for stdin)', collect, undefined)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'alternate working directory (default: the first file\'s directory)')
    .option('--profile <profile>', 'enable a profile (repeatable)', collect, undefined)
    .option('--env-file <file>', 'alternate environment file (repeatable)', collect, undefined)
    .option('-H, --host <socket>', 'engine socket (unix://PATH); also BERTH_HOST or DOCKER_HOST')
    .addOption(new Option('--parallel <n>', 'maximum parallelism, -1 for unlimited').default('-1'))
    .addOption(new Option('--progress <type>', 'progress output').choices(['auto', 'tty', 'plain', 'json', 'quiet']).default('auto'))
    .addOption(new Option('--ansi <when>', 'control characters').choices(['never', 'always', 'auto']).default('auto'))
    .option('--debug', 'print stack traces and debug logs')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export async function main(argv: string[] = process.argv): Promise<void> {
  quietOnClosedPipe('stdout');
  quietOnClosedPipe('stderr');
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // help and version exit 0; every other commander error is a usage error.
    if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
    else process.exitCode = reportError(err);
  }
  if (promptExitAllowed()) await exitWhenWritten();
}

/** The standard streams the command used (Node makes each on first use: see quietOnClosedPipe). */
const usedStreams: NodeJS.WriteStream[] = [];

/**
 * The command is done and said that nothing of it runs on (allowPromptExit): exit once what
 * it wrote has left (a pipe's writes are asynchronous).
 */
async function exitWhenWritten(): Promise<void> {
  // An empty write's callback runs once the writes before it are flushed.
  await Promise.all(usedStreams.map((s) => new Promise<void>((resolve) => (s.destroyed || !s.writable ? resolve() : s.write('', () => resolve())))));
  process.exit();
}

/**
 * A reader that went away (`berth logs -f web | head`) ends the command quietly, with the
 * status a program killed by SIGPIPE reports in a shell (128 + 13), as docker does; Node
 * ignores SIGPIPE and would otherwise crash on the EPIPE with a stack trace.
 */
function quietOnClosedPipe(name: 'stdout' | 'stderr'): void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  };
  // Node creates process.stdout/stderr on first use (~3 ms: a stream over a pipe, a file or a
  // TTY); a command that writes nothing (`container run` of a silent container) should not pay
  // for it. The handler goes on when the stream is first asked for, before anything is written.
  const desc = Object.getOwnPropertyDescriptor(process, name);
  const get = desc?.get;
  if (get === undefined || desc?.configurable !== true) {
    process[name].on('error', onError);
    usedStreams.push(process[name]);
    return;
  }
  let hooked = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: desc.enumerable ?? true,
    get(): NodeJS.WriteStream {
      const stream = get.call(process) as NodeJS.WriteStream;
      if (!hooked) {
        stream.on('error', onError);
        usedStreams.push(stream);
      }
      hooked = true;
      return stream;
    },
  });
}

// Not a top-level await: the bundle (scripts/build-bundle.mjs) is a CommonJS script, for V8's code cache.
void main();
