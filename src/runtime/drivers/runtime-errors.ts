// Turns a runtime's stderr into one BerthError. runc logs through logrus
// (`level=error msg="..."`, or JSON with --log-format json), crun and berth-core print a
// plain line; the code is chosen from the message so callers can test isNotFound(err).
import { BerthError, type ErrorCode } from '../../errors.js';

/** The human part of a runtime's stderr: logrus msg fields unwrapped, one line each. */
export function runtimeMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(unwrapLogLine);
  return lines.join('; ');
}

function unwrapLogLine(line: string): string {
  if (line.startsWith('{')) {
    try {
      const parsed = JSON.parse(line) as { msg?: unknown };
      if (typeof parsed.msg === 'string') return parsed.msg;
    } catch {
      // not JSON after all: keep the line
    }
  }
  const m = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
  if (m?.[1] !== undefined) return m[1].replace(/\\(.)/g, '$1');
  return line;
}

// Order matters: "executable file not found" is the user's command, not the container.
// (berth-core says "exec `cmd`: reason", runc 'exec: "cmd": reason'.)
const USER_COMMAND = /executable file not found|not found in \$PATH|exec format error|\bexec:? [`"][^`"]*[`"]: (permission denied|no such file or directory|is a directory)/i;
const RULES: readonly [RegExp, ErrorCode][] = [
  [USER_COMMAND, 'invalid'],
  [/does not exist|container not found|no such container|\/status\b.*no such file or directory|cannot open directory .*no such file or directory/i, 'not_found'],
  [/already exists|id already in use|with id exists/i, 'already_exists'],
  // Wrong state. crun says it its own ways: a started container has no exec.fifo left, a
  // stopped one no process to open a pidfd on.
  [/not running|is stopped|is paused|not paused|is running|already running|has stopped|stopped container|cannot (start|kill|delete|pause|resume|exec)|not in .*state|exec\.fifo|no such process/i, 'conflict'],
  [/no such file or directory|permission denied|invalid argument/i, 'invalid'],
];

export function classifyRuntimeMessage(message: string, fallback: ErrorCode = 'internal'): ErrorCode {
  for (const [re, code] of RULES) if (re.test(message)) return code;
  return fallback;
}

export function runtimeError(runtime: string, verb: string, id: string, stderr: string, exitCode: number | null, fallback: ErrorCode = 'internal'): BerthError {
  const message = runtimeMessage(stderr) || `exited with ${exitCode === null ? 'a signal' : `status ${exitCode}`}`;
  const detail = { runtime, verb, id, exitCode };
  // The user's own command: what is wrong with it, as docker ends its message, without the
  // runtime's name, verb and the container's ID (they say nothing to the user there).
  if (USER_COMMAND.test(message)) return new BerthError('invalid', message.startsWith(`${runtime}: `) ? message.slice(runtime.length + 2) : message, { detail });
  return new BerthError(classifyRuntimeMessage(message, fallback), `${runtime} ${verb} ${id}: ${message}`, { detail });
}
