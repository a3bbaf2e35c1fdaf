import { existsSync, readFileSync } from 'node:fs';
import { parseEnvFile, type EnvFileFormat } from './env-file.js';
import { ComposeError, type Locator } from './errors.js';
import { isRecord } from './tree-path.js';

// After normalize: each service's environment becomes final. env_file entries are read
// in order (a missing required file is an error naming it), `environment` overrides
// them, and a variable named without a value takes its value from the interpolation
// environment or is dropped, as Compose does when it creates the container. env_file
// is then removed: its content now lives in `environment`.

export function resolveEnvironment(tree: Record<string, unknown>, env: Record<string, string | undefined>, locator: Locator): void {
  const services = tree.services;
  if (!isRecord(services)) return;
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    const resolved: Record<string, string> = {};
    const lookup = (key: string): string | undefined => resolved[key] ?? env[key];
    const files = Array.isArray(service.env_file) ? service.env_file : [];
    files.forEach((entry, i) => {
      if (!isRecord(entry) || typeof entry.path !== 'string') return;
      const at = ['services', name, 'env_file', i];
      if (!existsSync(entry.path)) {
        if (entry.required === false) return;
        throw new ComposeError('env_file', `services.${name}.env_file: env file ${entry.path} not found`, { position: locator.locate(at), keyPath: at });
      }
      const format: EnvFileFormat = entry.format === 'raw' ? 'raw' : 'dotenv';
      let text: string;
      try {
        text = readFileSync(entry.path, 'utf8');
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new ComposeError('env_file', `services.${name}.env_file: cannot read ${entry.path}: ${reason}`, { position: locator.locate(at), keyPath: at, cause: err });
      }
      Object.assign(resolved, parseEnvFile(text, entry.path, { lookup, format }));
    });
    const own = isRecord(service.environment) ? service.environment : {};
    for (const [key, value] of Object.entries(own)) {
      if (value === null || value === undefined) {
        const fromEnv = env[key];
        if (fromEnv === undefined) delete resolved[key];
        else resolved[key] = fromEnv;
      } else {
        resolved[key] = String(value);
      }
    }
    delete service.env_file;
    if (Object.keys(resolved).length > 0) service.environment = resolved;
    else delete service.environment;
  }
}
