import type { EngineClient } from '../client/engine-client.js';
import { selectPath } from './format-path.js';

// docker's `inspect` for any resource: one engine call per name; what was found printed
// as one JSON array (or one --format line each), each missing name reported on stderr,
// exit status 1 if any was missing.
export async function inspectEach(client: EngineClient, names: string[], pathOf: (name: string) => string, format: string | undefined): Promise<number> {
  const found: unknown[] = [];
  let failed = false;
  for (const name of names) {
    try {
      found.push(await client.request('GET', pathOf(encodeURIComponent(name))));
    } catch (err) {
      failed = true;
      process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  if (format) for (const item of found) process.stdout.write(`${selectPath(item, format)}\n`);
  else process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? 1 : 0;
}
