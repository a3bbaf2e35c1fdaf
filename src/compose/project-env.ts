import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvFile } from './env-file.js';
import { ComposeError } from './errors.js';

// The environment for interpolation: the process environment over the values of the
// --env-file files (repeatable, later ones win) or, without any, `.env` in the project
// directory. Process variables always win, as in Compose.

export function loadProjectEnv(options: {
  envFiles?: readonly string[] | undefined;
  directory: string;
  cwd: string;
  processEnv: Record<string, string | undefined>;
}): Record<string, string | undefined> {
  const fromFiles: Record<string, string> = {};
  const lookup = (name: string): string | undefined => options.processEnv[name];
  const explicit = options.envFiles && options.envFiles.length > 0;
  const files = explicit ? (options.envFiles ?? []).map((f) => path.resolve(options.cwd, f)) : [path.join(options.directory, '.env')];
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw new ComposeError('env_file', `${file}: env file not found`);
      continue;
    }
    const text = readEnvText(file);
    Object.assign(fromFiles, parseEnvFile(text, file, { lookup: (name) => lookup(name) ?? fromFiles[name] }));
  }
  const env: Record<string, string | undefined> = { ...fromFiles };
  for (const [k, v] of Object.entries(options.processEnv)) if (v !== undefined) env[k] = v;
  return env;
}

function readEnvText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ComposeError('env_file', `${file}: cannot read env file: ${(err as Error).message}`, { cause: err });
  }
}
