import { describe, expect, it } from 'vitest';
import { classifyRuntimeMessage, runtimeError, runtimeMessage } from '../../../src/runtime/drivers/runtime-errors.js';

describe('runtime stderr → BerthError', () => {
  it('unwraps runc logrus text and JSON lines', () => {
    expect(runtimeMessage('time="2026-01-01T00:00:00Z" level=error msg="container does not exist"\n')).toBe('container does not exist');
    expect(runtimeMessage('{"level":"error","msg":"container \\"x\\" does not exist","time":"t"}')).toBe('container "x" does not exist');
    expect(runtimeMessage('time="t" level=error msg="exec: \\"nope\\": executable file not found in $PATH"')).toBe('exec: "nope": executable file not found in $PATH');
  });

  it('keeps plain lines (crun, berth-core) and joins several', () => {
    expect(runtimeMessage('error opening file `/run/x/status`: No such file or directory\n\n')).toBe('error opening file `/run/x/status`: No such file or directory');
    expect(runtimeMessage('a\nb\n')).toBe('a; b');
  });

  it.each([
    ['container does not exist', 'not_found'],
    ['error opening file `/run/berth/runtime/crun/x/status`: No such file or directory', 'not_found'],
    ['container with id exists: x — already exists', 'already_exists'],
    ['cannot exec in a stopped container', 'conflict'],
    ['container not running', 'conflict'],
    ['cannot start an already running container', 'conflict'],
    ['cannot start a container that has stopped', 'conflict'],
    ['cannot open `/run/berth/runtime/crun/c1/exec.fifo`: No such file or directory', 'conflict'],
    ['the container `c1` is not in `created` or `stopped` state', 'conflict'],
    ['open pidfd: No such process', 'conflict'],
    ['exec: "nope": executable file not found in $PATH', 'invalid'],
    ['executable file `nope` not found in $PATH: No such file or directory', 'invalid'],
    ['something unexpected', 'internal'],
  ] as const)('%s → %s', (message, code) => {
    expect(classifyRuntimeMessage(message)).toBe(code);
  });

  it('names runtime, verb and id, and falls back to the exit status', () => {
    const err = runtimeError('runc', 'state', 'c1', '', 1);
    expect(err.message).toBe('runc state c1: exited with status 1');
    expect(err.code).toBe('internal');
    expect(runtimeError('crun', 'kill', 'c2', 'container does not exist', 1).message).toBe('crun kill c2: container does not exist');
    // The user's command: only what is wrong with it.
    const missing = runtimeError('berth-core', 'create', 'c3', 'berth-core: exec `nope`: executable file not found in $PATH\n', 1);
    expect(missing.message).toBe('exec `nope`: executable file not found in $PATH');
    expect(missing.code).toBe('invalid');
    expect(runtimeError('berth-core', 'create', 'c5', 'berth-core: exec `/etc`: permission denied', 1).message).toBe('exec `/etc`: permission denied');
    expect(runtimeError('berth-core', 'create', 'c6', 'berth-core: exec `/nonexistent`: no such file or directory', 1).message).toBe('exec `/nonexistent`: no such file or directory');
    expect(runtimeError('runc', 'create', 'c4', 'level=error msg="exec: \\"nope\\": executable file not found in $PATH"', 1).message).toBe('exec: "nope": executable file not found in $PATH');
  });
});
