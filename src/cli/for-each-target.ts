// Docker's loop for commands that take several targets (rm, stop, rmi, ...): one engine
// call per target, the daemon's message for each failure on stderr, the others still
// tried, and exit status 1 if any failed. `onDone` prints what docker prints on success
// (by default the target itself).
export async function forEachTarget<R>(
  targets: string[],
  call: (target: string) => Promise<R>,
  onDone: (target: string, result: R) => void = (target) => process.stdout.write(`${target}\n`),
): Promise<number> {
  let failed = false;
  for (const target of targets) {
    try {
      onDone(target, await call(target));
    } catch (err) {
      failed = true;
      process.stderr.write(`Error response from daemon: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}
