import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ComposeError } from './errors.js';

// Which compose files make the project, as Docker Compose finds them: -f (repeatable,
// `-` for stdin), else COMPOSE_FILE (split on COMPOSE_PATH_SEPARATOR, default `:`),
// else the first default name found in the start directory or one of its parents, plus
// the `.override.` twin beside it.

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
export const DEFAULT_OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'] as const;

export const STDIN = '-';

export interface DiscoverInput {
  /** -f values as given (relative to cwd), `-` meaning stdin. */
  files?: readonly string[] | undefined;
  projectDirectory?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
  onWarning?: ((message: string) => void) | undefined;
}

export interface Discovered {
  /** Absolute paths, or `-` for stdin. */
  files: string[];
  projectDirectory: string;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

export function discoverFiles(input: DiscoverInput): Discovered {
  const explicit = input.files && input.files.length > 0 ? input.files : undefined;
  const fromEnv = splitComposeFileEnv(input.env);
  let files: string[];
  if (explicit) files = explicit.map((f) => (f === STDIN ? f : path.resolve(input.cwd, f)));
  else if (fromEnv) files = fromEnv.map((f) => path.resolve(input.projectDirectory ?? input.cwd, f));
  else files = findDefault(path.resolve(input.cwd, input.projectDirectory ?? '.'), input.onWarning);
  for (const file of files) {
    if (file !== STDIN && !isFile(file)) throw new ComposeError('file_not_found', `${file}: compose file not found`);
  }
  const first = files.find((f) => f !== STDIN);
  const projectDirectory = input.projectDirectory
    ? path.resolve(input.cwd, input.projectDirectory)
    : first && files[0] !== STDIN
      ? path.dirname(first)
      : input.cwd;
  return { files, projectDirectory };
}

function splitComposeFileEnv(env: Record<string, string | undefined>): string[] | undefined {
  const value = env.COMPOSE_FILE;
  if (value === undefined || value.trim() === '') return undefined;
  const separator = env.COMPOSE_PATH_SEPARATOR || path.delimiter;
  return value.split(separator).filter((f) => f !== '');
}

function findDefault(start: string, onWarning?: (message: string) => void): string[] {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const found = DEFAULT_FILE_NAMES.map((n) => path.join(dir, n)).filter(isFile);
    const [main] = found;
    if (main) {
      if (found.length > 1) onWarning?.(`Found multiple config files with supported names: ${found.join(', ')}; using ${main}`);
      const override = DEFAULT_OVERRIDE_NAMES.map((n) => path.join(dir, n)).find(isFile);
      return override ? [main, override] : [main];
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new ComposeError('file_not_found', `no configuration file provided: none of ${DEFAULT_FILE_NAMES.join(', ')} found in ${start} or its parents`);
}
