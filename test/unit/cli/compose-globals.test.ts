import { Command, Option } from 'commander';
import { expect, test } from 'vitest';
import { composeGlobals } from '../../../src/cli/compose/context.js';
import type { GlobalOptions } from '../../../src/cli/command-adapter.js';

// `berth compose -f x --progress json up`: the group's flags win over the root's defaults.
function program(capture: (g: GlobalOptions) => void): Command {
  const root = new Command('berth').enablePositionalOptions().exitOverride();
  root.option('-f, --file <file>', '', (v: string, p: string[] = []) => [...p, v]).addOption(new Option('--progress <type>').default('auto'));
  const group = root.command('compose').enablePositionalOptions();
  group.option('-f, --file <file>', '', (v: string, p: string[] = []) => [...p, v]).option('-p, --project-name <name>').addOption(new Option('--progress <type>'));
  for (const parent of [root, group]) parent.command('up').option('-d').action((_o: unknown, cmd: Command) => capture(composeGlobals(cmd)));
  return root;
}

test('flags given to the compose group reach the command', async () => {
  let seen: GlobalOptions | undefined;
  await program((g) => (seen = g)).parseAsync(['compose', '-f', 'a.yaml', '-p', 'x', '--progress', 'json', 'up', '-d'], { from: 'user' });
  expect(seen).toMatchObject({ file: ['a.yaml'], projectName: 'x', progress: 'json' });
});

test('root flags still work, and root defaults stay when the group sets nothing', async () => {
  let seen: GlobalOptions | undefined;
  await program((g) => (seen = g)).parseAsync(['-f', 'b.yaml', 'compose', 'up'], { from: 'user' });
  expect(seen).toMatchObject({ file: ['b.yaml'], progress: 'auto' });
});
