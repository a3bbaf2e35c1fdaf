import { Command, type ErrorOptions, type Option } from 'commander';
import { parseBoolFlag } from './flag-values.js';

// commander's Command, reading docker's boolean flags as docker's flag parser (pflag) does:
// any boolean flag also takes a value in the same word, `--rm=false`, `-d=true`,
// `--sig-proxy=0` (Go's strconv.ParseBool), and a bare flag never takes the next word, so
// `run --sig-proxy IMAGE` leaves IMAGE an operand. commander alone refuses `--rm=false` as
// an unknown option. Every subcommand is made by createCommand, so all of them read flags so.
// A usage error is followed by the command's usage line and where to find its help, as
// docker prints it, not by the whole help (run's is ~100 lines, and the error scrolls away).

export class BerthCommand extends Command {
  override createCommand(name?: string): Command {
    return new BerthCommand(name);
  }

  override parseOptions(args: string[]): { operands: string[]; unknown: string[] } {
    // commander keeps these two settings private; it stops reading options at the first
    // operand with either (a subcommand's name, or run's IMAGE), and so does boolFlagWords.
    const own = this as unknown as { _passThroughOptions: boolean; _enablePositionalOptions: boolean };
    const stopAtOperand = own._passThroughOptions || (own._enablePositionalOptions && this.commands.length > 0);
    return super.parseOptions(boolFlagWords(args, this.options, stopAtOperand));
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    this.showHelpAfterError(usageHint(this));
    return super.error(message, errorOptions);
  }
}

/** What follows a usage error of `cmd`: its usage line, and the command that shows its help. */
export function usageHint(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return `\nUsage: ${cmd.createHelp().commandUsage(cmd)}\n\nRun '${names.join(' ')} --help' for more information`;
}

/**
 * The command line with each `--flag=VALUE` / `-f=VALUE` of a boolean flag in `options`
 * written as commander reads it: the bare flag when VALUE is true; when false, its
 * `--no-flag` if the command has one (a flag whose default is true), else nothing (the
 * default, false); a `--no-flag=VALUE` the other way round. A VALUE that is no boolean is
 * docker's usage error. Values of flags that take one are skipped, the words after `--`
 * are left as they are, and so is all from the first operand on with `stopAtOperand` (the
 * container's command after `run IMAGE`, a subcommand's words).
 */
export function boolFlagWords(args: readonly string[], options: readonly Option[], stopAtOperand: boolean): string[] {
  const byFlag = new Map<string, Option>();
  for (const o of options) {
    if (o.long) byFlag.set(o.long, o);
    if (o.short) byFlag.set(o.short, o);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return [...out, ...args.slice(i)];
    const eq = /^(--[^=]+|-[^-=])=/.exec(arg);
    const flag = eq ? (eq[1] as string) : arg;
    const option = byFlag.get(flag);
    if (eq && option && !option.required && !option.optional) {
      out.push(...boolWords(option, arg.slice(flag.length + 1), byFlag));
      continue;
    }
    out.push(arg);
    const next = args[i + 1];
    if (option && !eq && next !== undefined && (option.required || (option.optional && !next.startsWith('-')))) {
      out.push(next);
      i++;
    } else if (stopAtOperand && !arg.startsWith('-')) {
      return [...out, ...args.slice(i + 1)];
    }
  }
  return out;
}

function boolWords(option: Option, value: string, byFlag: ReadonlyMap<string, Option>): string[] {
  const flag = option.long ?? (option.short as string);
  const on = parseBoolFlag(flag.replace(/^-+/, ''), value);
  // `--no-x=true` is `--no-x`; `--no-x=false` is `--x`, when the command has one.
  const opposite = option.negate ? flag.replace(/^--no-/, '--') : flag.replace(/^--/, '--no-');
  if (on) return [flag];
  return byFlag.has(opposite) ? [opposite] : [];
}
