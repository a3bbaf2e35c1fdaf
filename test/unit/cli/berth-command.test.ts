import { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { BerthCommand, boolFlagWords } from '../../../src/cli/berth-command.js';

// docker's boolean flags (pflag): `--flag=VALUE` in one word, and a bare flag never takes the next word.

function program(): { parse: (args: string[]) => Promise<{ opts: Record<string, unknown>; image: string; command: string[] }> } {
  return {
    async parse(args) {
      let seen: { opts: Record<string, unknown>; image: string; command: string[] } | undefined;
      const root = new BerthCommand('berth').exitOverride().enablePositionalOptions().option('--debug');
      root
        .command('container')
        .command('run')
        .argument('<image>')
        .argument('[command...]')
        .option('--rm')
        .option('-d, --detach')
        .option('--sig-proxy')
        .addOption(new Option('--no-sig-proxy').hideHelp())
        .option('--no-healthcheck')
        .option('--name <name>')
        .option('--pull [policy]')
        .passThroughOptions()
        .action((image: string, command: string[], opts: Record<string, unknown>) => {
          seen = { opts, image, command };
        });
      await root.parseAsync(['node', 'berth', 'container', 'run', ...args]);
      if (!seen) throw new Error('no action');
      return seen;
    },
  };
}

describe("docker's boolean flags on every command (BerthCommand)", () => {
  it('reads --flag=VALUE and -f=VALUE as Go reads a bool; false is the default, or --no-flag when the flag has one', async () => {
    const { parse } = program();
    expect((await parse(['--rm=false', '-d=true', 'bb'])).opts).toEqual({ detach: true, healthcheck: true });
    expect((await parse(['--rm=1', '--detach=F', 'bb'])).opts).toEqual({ rm: true, healthcheck: true });
    expect((await parse(['--sig-proxy=false', 'bb'])).opts).toEqual({ sigProxy: false, healthcheck: true });
    expect((await parse(['--sig-proxy=true', 'bb'])).opts).toEqual({ sigProxy: true, healthcheck: true });
    expect((await parse(['--no-healthcheck=true', 'bb'])).opts).toEqual({ healthcheck: false });
    expect((await parse(['--no-healthcheck=false', 'bb'])).opts).toEqual({ healthcheck: true });
  });

  it('a bare flag leaves the next word an operand: `--sig-proxy IMAGE`, `--rm false` (false is the image, as in docker)', async () => {
    const { parse } = program();
    expect(await parse(['--sig-proxy', 'bb', 'echo', 'hi'])).toEqual({ opts: { sigProxy: true, healthcheck: true }, image: 'bb', command: ['echo', 'hi'] });
    expect(await parse(['--rm', 'false'])).toMatchObject({ opts: { rm: true }, image: 'false', command: [] });
  });

  it("leaves the container's command, values of flags and words after -- alone", async () => {
    const { parse } = program();
    expect(await parse(['--name', '--rm=false', 'bb', 'env', '--rm=false'])).toMatchObject({ opts: { name: '--rm=false' }, image: 'bb', command: ['env', '--rm=false'] });
    expect(await parse(['--name=x', '--pull', 'always', '--rm=true', 'bb'])).toMatchObject({ opts: { name: 'x', pull: 'always', rm: true }, image: 'bb' });
  });

  it("a value that is no boolean is docker's usage error", async () => {
    const { parse } = program();
    await expect(parse(['--rm=yes', 'bb'])).rejects.toThrow('invalid argument "yes" for "--rm" flag: strconv.ParseBool: parsing "yes": invalid syntax');
    await expect(parse(['-d=', 'bb'])).rejects.toThrow('invalid argument "" for "--detach" flag');
  });

  it('boolFlagWords stops at the first operand only when asked', () => {
    const options = [new Option('--rm')];
    expect(boolFlagWords(['x', '--rm=true'], options, true)).toEqual(['x', '--rm=true']);
    expect(boolFlagWords(['x', '--rm=true'], options, false)).toEqual(['x', '--rm']);
    expect(boolFlagWords(['--', '--rm=true'], options, false)).toEqual(['--', '--rm=true']);
  });
});

describe('usage errors (BerthCommand.error)', () => {
  async function errorText(args: string[]): Promise<string> {
    let err = '';
    const root = new BerthCommand('berth').exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined });
    root.command('container').command('run').description('Create and run a new container').argument('<image>').argument('[command...]').option('--rm').action(() => undefined);
    await expect(root.parseAsync(['node', 'berth', ...args])).rejects.toThrow();
    return err;
  }

  it("follow the message with the command's usage line and the way to its help, as docker does, not the whole help", async () => {
    expect(await errorText(['container', 'run', '--bogus', 'bb'])).toBe(
      "error: unknown option '--bogus'\n\nUsage: berth container run [options] <image> [command...]\n\nRun 'berth container run --help' for more information\n",
    );
    expect(await errorText(['container', 'run'])).toContain("error: missing required argument 'image'\n\nUsage: berth container run");
    const unknownCommand = await errorText(['nosuch']);
    expect(unknownCommand).toBe("error: unknown command 'nosuch'\n\nUsage: berth [options] [command]\n\nRun 'berth --help' for more information\n");
    expect(unknownCommand).not.toContain('Create and run');
  });
});
