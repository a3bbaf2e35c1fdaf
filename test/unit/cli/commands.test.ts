import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { expect, test } from 'vitest';
import { commandGroups, commandWord, registerCommands } from '../../../src/cli/commands.js';

// Start-up cost: main.ts registers only the command group argv names, and registration
// modules load no implementation (see src/cli/commands.ts).

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/cli');

function rootProgram(): Command {
  // The root's value-taking flags, as main.ts defines them; positional options as
  // registerCommands sets them (the groups' pass-through commands need them).
  return new Command('berth')
    .enablePositionalOptions()
    .option('-f, --file <file>')
    .option('-p, --project-name <name>')
    .option('--project-directory <dir>')
    .option('--profile <profile>')
    .option('--env-file <file>')
    .option('-H, --host <socket>')
    .addOption(new Option('--parallel <n>').default('-1'))
    .addOption(new Option('--progress <type>').default('auto'))
    .addOption(new Option('--ansi <when>').default('auto'))
    .option('--debug');
}

const topWords = (program: Command): string[] => program.commands.flatMap((c) => [c.name(), ...c.aliases()]);

test('each group lists exactly the top-level words it registers', async () => {
  const all = new Set<string>();
  for (const group of commandGroups) {
    const program = rootProgram();
    (await group.load())(program);
    expect(topWords(program).sort()).toEqual([...group.words].sort());
    for (const w of group.words) {
      expect(all.has(w), `${w} in two groups`).toBe(false);
      all.add(w);
    }
  }
});

test('a known word loads its group alone; no word, help or an unknown word loads every group', async () => {
  const everything = rootProgram();
  await registerCommands(everything, ['node', 'berth']);
  const allWords = topWords(everything);
  for (const [argv, expected] of [
    [['container', 'run', '--rm', 'bb', '/bin/true'], ['container']],
    [['-f', 'x.yaml', '-p', 'up', 'config', '-q'], ['config']],
    [['--project-name=up', 'image', 'ls'], ['images', 'import', 'load', 'save', 'rmi', 'tag', 'image']],
  ] as const) {
    const program = rootProgram();
    await registerCommands(program, ['node', 'berth', ...argv]);
    expect(topWords(program).sort()).toEqual([...expected].sort());
  }
  for (const argv of [[], ['help', 'up'], ['--help', 'up'], ['upp'], ['--debug']]) {
    const program = rootProgram();
    await registerCommands(program, ['node', 'berth', ...argv]);
    expect(topWords(program)).toEqual(allWords);
  }
});

test('the command word skips the root flags and their values', () => {
  const program = rootProgram();
  expect(commandWord(program, ['up', '-d'])).toBe('up');
  expect(commandWord(program, ['-f', 'a.yaml', '--file', 'b.yaml', '-p', 'ps', '--debug', 'down', '-v'])).toBe('down');
  expect(commandWord(program, ['-fa.yaml', '--env-file=x', '--parallel', '2', 'logs'])).toBe('logs');
  expect(commandWord(program, ['-H', 'unix:///s', 'container', 'ps'])).toBe('container');
  expect(commandWord(program, ['--debug', '-h', 'up'])).toBeUndefined();
  expect(commandWord(program, ['--', 'up'])).toBeUndefined();
  expect(commandWord(program, [])).toBeUndefined();
});

// The static (non-type) imports of a module under src/, recursively.
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.startsWith('/')) return seen;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\bfrom\s+'([^']+)';/gms)) {
    if (m[2]) continue;
    const spec = m[3] as string;
    staticClosure(spec.startsWith('.') ? path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts') : spec, seen);
  }
  return seen;
}

test('registering commands loads commander and flag helpers, no implementation', () => {
  const entries = ['main.ts', 'config.ts', 'compose/index.ts', 'container/index.ts', 'image/index.ts', 'network/index.ts', 'volume/index.ts'];
  const loaded = new Set<string>();
  for (const e of entries) for (const f of staticClosure(path.join(cliDir, e))) loaded.add(f);
  const heavy = [...loaded].filter((f) => {
    if (f === 'commander' || f.startsWith('node:')) return false;
    if (f === path.resolve(cliDir, '../errors.ts')) return false;
    if (!f.startsWith(`${cliDir}/`)) return true;
    return f.endsWith('-action.ts') || ['compose/context.ts', 'compose/lifecycle-command.ts', 'container/attach-io.ts'].some((h) => f === path.join(cliDir, h));
  });
  expect(heavy).toEqual([]);
});
