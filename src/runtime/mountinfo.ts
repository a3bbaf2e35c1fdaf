// Reading /proc/self/mountinfo, once for the whole code base: field 5 is the mount point,
// with space, tab, newline and backslash escaped as octal (\040 ...).

/** The mount points listed, unescaped. */
export function mountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field !== undefined) out.push(unescapeMountPath(field));
  }
  return out;
}

/** Whether `target` (an absolute, resolved path) is a mount point. */
export function isMountedAt(mountinfo: string, target: string): boolean {
  return mountPoints(mountinfo).includes(target);
}

/** The mount points at `dir` or below it. */
export function mountsBelow(mountinfo: string, dir: string): string[] {
  return mountPoints(mountinfo).filter((mp) => mp === dir || mp.startsWith(`${dir}/`));
}

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
