import { spawnSync } from 'node:child_process';

// docker-py is a real Engine API client nobody here wrote. Debian's python3-docker
// installs it for /usr/bin/python3, which need not be the `python3` first on PATH
// (pyenv), so look in both.
export function pythonWithDockerPy(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import docker'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}
