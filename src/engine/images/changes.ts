import path from 'node:path';
import { invalid } from '../../errors.js';
import type { ImageRunConfig } from '../types.js';

// `docker import --change` / `changes=`: the Dockerfile instructions that only touch the
// image config. Each change is one instruction line; they apply in order.

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'] as const;
type Instruction = (typeof ALLOWED)[number];

/** The image config an import writes: the run config plus Docker's OnBuild triggers. */
export type ImportConfig = ImageRunConfig & { OnBuild?: string[] };

export function applyChanges(base: ImportConfig, changes: readonly string[]): ImportConfig {
  const config: ImportConfig = structuredClone(base);
  for (const line of changes) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
    const keyword = (m?.[1] ?? '').toUpperCase();
    const args = (m?.[2] ?? '').trim();
    if (!(ALLOWED as readonly string[]).includes(keyword)) {
      throw invalid(`${keyword || line} is not a valid change command (allowed: ${ALLOWED.join(', ')})`);
    }
    applyOne(config, keyword as Instruction, args, line);
  }
  return config;
}

function applyOne(config: ImportConfig, keyword: Instruction, args: string, line: string): void {
  const need = (): void => {
    if (args === '') throw invalid(`${keyword} requires at least one argument: "${line}"`);
  };
  switch (keyword) {
    case 'CMD':
      need();
      config.Cmd = commandForm(args);
      return;
    case 'ENTRYPOINT':
      need();
      config.Entrypoint = commandForm(args);
      return;
    case 'ENV':
      need();
      for (const [key, value] of keyValues(args, keyword, line)) setEnv(config, key, value);
      return;
    case 'LABEL':
      need();
      config.Labels = { ...config.Labels };
      for (const [key, value] of keyValues(args, keyword, line)) config.Labels[key] = value;
      return;
    case 'EXPOSE':
      need();
      config.ExposedPorts = { ...config.ExposedPorts };
      for (const word of splitWords(args)) config.ExposedPorts[portSpec(word)] = {};
      return;
    case 'VOLUME': {
      need();
      const list = args.startsWith('[') ? jsonArray(args, keyword) : splitWords(args);
      config.Volumes = { ...config.Volumes };
      for (const v of list) {
        if (v === '') throw invalid(`VOLUME specified can not be an empty string: "${line}"`);
        config.Volumes[v] = {};
      }
      return;
    }
    case 'WORKDIR':
      need();
      // Relative paths are relative to the previous WORKDIR, as in a Dockerfile.
      config.WorkingDir = path.posix.resolve('/', config.WorkingDir ?? '/', args);
      return;
    case 'USER':
      need();
      config.User = args;
      return;
    case 'STOPSIGNAL':
      need();
      if (!/^(SIG)?[A-Z0-9+-]+$|^\d+$/.test(args)) throw invalid(`invalid STOPSIGNAL "${args}"`);
      config.StopSignal = args;
      return;
    case 'ONBUILD': {
      need();
      const trigger = args.split(/\s+/, 1)[0]?.toUpperCase() ?? '';
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger)) throw invalid(`${trigger} isn't allowed as an ONBUILD trigger`);
      // Stored for images built FROM this one, as Docker does.
      config.OnBuild = [...(config.OnBuild ?? []), args];
      return;
    }
    case 'HEALTHCHECK':
      need();
      config.Healthcheck = healthcheck(args);
      return;
  }
}

/** HEALTHCHECK NONE | HEALTHCHECK [--interval=D --timeout=D --start-period=D --start-interval=D --retries=N] CMD ... */
function healthcheck(args: string): NonNullable<ImageRunConfig['Healthcheck']> {
  if (/^NONE$/i.test(args)) return { Test: ['NONE'] };
  const check: NonNullable<ImageRunConfig['Healthcheck']> = {};
  let rest = args;
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s+/.exec(rest);
    if (!m) break;
    rest = rest.slice(m[0].length);
    const [, flag = '', value = ''] = m;
    if (flag === 'retries') {
      if (!/^\d+$/.test(value)) throw invalid(`HEALTHCHECK --retries must be a whole number, not ${value}`);
      check.Retries = Number(value);
    } else if (flag === 'interval') check.Interval = goDuration(value);
    else if (flag === 'timeout') check.Timeout = goDuration(value);
    else if (flag === 'start-period') check.StartPeriod = goDuration(value);
    else if (flag === 'start-interval') check.StartInterval = goDuration(value);
    else throw invalid(`HEALTHCHECK: unknown flag --${flag}`);
  }
  const m = /^CMD\s+([\s\S]+)$/i.exec(rest);
  if (!m?.[1]) throw invalid(`HEALTHCHECK: expected CMD or NONE, got "${rest}"`);
  const command = m[1].trim();
  if (command.startsWith('[')) {
    try {
      return { ...check, Test: ['CMD', ...jsonArray(command, 'HEALTHCHECK')] };
    } catch {
      // not JSON: shell form
    }
  }
  return { ...check, Test: ['CMD-SHELL', command] };
}

/** A Go duration ("1m30s", "500ms") in nanoseconds, the unit of Docker's health settings. */
export function goDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  if (text === '' || consumed !== text.length) throw invalid(`invalid duration "${text}"`);
  return Math.round(total);
}

/** JSON (exec) form or shell form, as a Dockerfile has them. */
function commandForm(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      return jsonArray(args, 'CMD');
    } catch {
      // Docker falls back to the shell form when the JSON does not parse.
    }
  }
  return ['/bin/sh', '-c', args];
}

function jsonArray(args: string, keyword: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch (err) {
    throw invalid(`${keyword}: not a JSON array: ${args}`, err);
  }
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) throw invalid(`${keyword}: expected a JSON array of strings: ${args}`);
  return parsed;
}

function setEnv(config: ImageRunConfig, key: string, value: string): void {
  const env = (config.Env ?? []).filter((e) => e.split('=', 1)[0] !== key);
  env.push(`${key}=${value}`);
  config.Env = env;
}

function portSpec(word: string): string {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
  if (!m) throw invalid(`invalid EXPOSE port "${word}"`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return m[2] === undefined ? `${m[1]}/${proto}` : `${m[1]}-${m[2]}/${proto}`;
}

/** `K=V K2="v 2"` (modern) or `K some value` (legacy single pair). */
export function keyValues(args: string, keyword: string, line: string): [string, string][] {
  const words = splitWords(args);
  const first = words[0] ?? '';
  if (!first.includes('=')) {
    // Legacy form: the first word is the key, the rest of the line is the value.
    const value = args.slice(args.search(/\s/) >= 0 ? args.search(/\s/) : args.length).trim();
    if (value === '' && keyword === 'ENV') throw invalid(`ENV names can not be blank and need a value: "${line}"`);
    return [[unquote(first), unquoteAll(value)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw invalid(`${keyword}: expected KEY=VALUE, got "${w}" in "${line}"`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Split on unquoted whitespace, removing quotes and backslash escapes (Dockerfile words). */
export function splitWords(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input.charAt(i);
    if (quote === undefined && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\' && quote !== "'" && i + 1 < input.length) {
      word += input.charAt(++i);
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = undefined;
    } else {
      word += c;
    }
  }
  if (quote !== undefined) throw invalid(`unmatched quote in "${input}"`);
  if (inWord) words.push(word);
  return words;
}

function unquote(s: string): string {
  return splitWords(s).join(' ');
}

function unquoteAll(s: string): string {
  return /["'\\]/.test(s) ? splitWords(s).join(' ') : s;
}
