// npm run bench [scenario ...]: runs each bench/scenarios/<name>.mjs and prints its figures.
// Benchmarks print numbers; they assert nothing. Scenarios export `name`, `describe`, and
// `run(): Promise<Array<{ label, value, unit, target? }>>`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
let failed = false;
for (const file of files) {
  const name = file.replace(/\.mjs$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const scenario = await import(pathToFileURL(path.join(dir, file)).href);
  console.log(`\n## ${name}: ${scenario.describe ?? ''}`);
  try {
    const rows = await scenario.run();
    for (const r of rows) {
      const target = r.target === undefined ? '' : `   (target ${r.target})`;
      console.log(`  ${r.label.padEnd(56)} ${String(r.value).padStart(10)} ${r.unit}${target}`);
    }
  } catch (err) {
    failed = true;
    console.log(`  failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exitCode = failed ? 1 : 0;
