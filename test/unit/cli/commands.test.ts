import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { expect, test } from 'vitest';
import { commandWord } from '../../../src/cli/command-word.js';
import { commandGroups, registerCommands } from '../../../src/cli/commands.js';

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
    await (await group.load())(program);
    expect(topWords(program).sort()).toEqual([...group.words].sort());
    for (const w of group.words) {
      expect(all.has(w), `${w} in two groups`).toBe(false);
      all.add(w);
    }
  }
});

const subWords = (program: Command, name: string): string[] => topWords(program.commands.find((c) => c.name() === name) as Command);

test('a known word loads its group alone, and in it the command alone; no word, help or an unknown word loads everything', async () => {
  const everything = rootProgram();
  await registerCommands(everything, ['node', 'berth']);
  const allWords = topWords(everything);
  const registered = async (...argv: string[]): Promise<Command> => {
    const program = rootProgram();
    await registerCommands(program, ['node', 'berth', ...argv]);
    return program;
  };
  const run = await registered('container', 'run', '--rm', 'bb', '/bin/true');
  expect(topWords(run)).toEqual(['container']);
  expect(subWords(run, 'container')).toEqual(['run']);
  expect(subWords(await registered('container', 'kill', 'x'), 'container')).toEqual(['start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause']);
  expect(subWords(await registered('container', '--help'), 'container')).toEqual(subWords(everything, 'container'));
  expect(topWords(await registered('-f', 'x.yaml', '-p', 'up', 'config', '-q'))).toEqual(['config']);
  expect(topWords(await registered('--project-name=ps', 'up', '-d'))).toEqual(['up']);
  const compose = await registered('compose', '-f', 'x.yaml', '--profile', 'down', 'up', '-d');
  expect(topWords(compose)).toEqual(['compose']);
  expect(subWords(compose, 'compose')).toEqual(['up']);
  expect(subWords(await registered('compose', 'help'), 'compose')).toEqual(subWords(everything, 'compose'));
  expect(topWords(await registered('image', 'ls')).sort()).toEqual(['images', 'import', 'load', 'save', 'rmi', 'tag', 'image'].sort());
  for (const argv of [['-v'], ['--debug', '--version']]) expect(topWords(await registered(...argv))).toEqual([]);
  for (const argv of [[], ['help', 'up'], ['--help', 'up'], ['upp'], ['--debug'], ['-v', '--help']]) {
    expect(topWords(await registered(...argv))).toEqual(allWords);
  }
});

test('the command word skips the root flags and their values', () => {
  const program = rootProgram();
  const word = (args: string[]) => commandWord(program, args)?.word;
  expect(commandWord(program, ['up', '-d', 'web'])).toEqual({ word: 'up', rest: ['-d', 'web'] });
  expect(word(['-f', 'a.yaml', '--file', 'b.yaml', '-p', 'ps', '--debug', 'down', '-v'])).toBe('down');
  expect(word(['-fa.yaml', '--env-file=x', '--parallel', '2', 'logs'])).toBe('logs');
  expect(word(['-H', 'unix:///s', 'container', 'ps'])).toBe('container');
  expect(word(['--debug', '-h', 'up'])).toBeUndefined();
  expect(word(['--', 'up'])).toBeUndefined();
  expect(word([])).toBeUndefined();
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
  // main.ts, and every registration module the group tables load (recursively).
  const entries = [path.join(cliDir, 'main.ts')];
  for (let i = 0; i < entries.length; i++) {
    const file = entries[i] as string;
    for (const m of readFileSync(file, 'utf8').matchAll(/load: async \(\) => \(await import\('([^']+)'\)\)/g)) {
      const target = path.resolve(path.dirname(file), m[1] as string).replace(/\.js$/, '.ts');
      if (!entries.includes(target)) entries.push(target);
    }
    if (file.endsWith('main.ts')) entries.push(path.join(cliDir, 'commands.ts'));
  }
  expect(entries.length).toBeGreaterThan(30);
  const loaded = new Set<string>();
  for (const e of entries) for (const f of staticClosure(e)) loaded.add(f);
  const heavy = [...loaded].filter((f) => {
    if (f === 'commander' || f.startsWith('node:')) return false;
    // errors, and run-flags' IP syntax check (a few lines, no imports)
    if (f === path.resolve(cliDir, '../errors.ts') || f === path.resolve(cliDir, '../ip-address.ts')) return false;
    if (!f.startsWith(`${cliDir}/`)) return true;
    return f.endsWith('-action.ts') || ['compose/context.ts', 'compose/lifecycle-command.ts', 'container/attach-io.ts'].some((h) => f === path.join(cliDir, h));
  });
  expect(heavy).toEqual([]);
});
