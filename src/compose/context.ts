import path from 'node:path';
import { discoverFiles, STDIN } from './discover.js';
import type { LoadOptions } from './load-options.js';
import { loadProjectEnv } from './project-env.js';

// Phase 0: settle where the project is and what environment interpolation sees: the
// compose files (discover.ts), the project directory and the environment (process env
// over --env-file or .env). A first `.env` is read from where Compose looks before it
// knows the files (it may set COMPOSE_FILE); if the files put the project directory
// elsewhere, the `.env` there is the one that counts.

export interface LoadContext {
  files: string[];
  projectDirectory: string;
  env: Record<string, string | undefined>;
  cwd: string;
  interpolate: boolean;
  stdin: string | undefined;
  onWarning: (message: string) => void;
}

export function resolveContext(options: LoadOptions): LoadContext {
  const cwd = options.cwd ?? process.cwd();
  const processEnv = options.env ?? process.env;
  const onWarning = options.onWarning ?? (() => undefined);
  const firstFile = options.files?.find((f) => f !== STDIN);
  const firstDir = options.projectDirectory ?? (firstFile ? path.dirname(path.resolve(cwd, firstFile)) : cwd);
  const envFiles = options.envFiles;
  let env = loadProjectEnv({ envFiles, directory: path.resolve(cwd, firstDir), cwd, processEnv });
  const { files, projectDirectory } = discoverFiles({ files: options.files, projectDirectory: options.projectDirectory, env, cwd, onWarning });
  if (projectDirectory !== path.resolve(cwd, firstDir) && !(envFiles && envFiles.length > 0)) {
    env = loadProjectEnv({ envFiles, directory: projectDirectory, cwd, processEnv });
  }
  return { files, projectDirectory, env, cwd, interpolate: options.interpolate ?? true, stdin: options.stdin, onWarning };
}
