// YAML 1.1 octal integers. Compose reads files with go-yaml v3, which still resolves a
// plain `0440` as the octal 288 (strconv.ParseInt with base 0), where the YAML 1.2 core
// schema both our parsers follow would read 440. File modes (`mode: 0440` under secrets,
// configs, tmpfs) are written that way, so both readings (load.ts and yaml-positions.ts)
// share this one rule to stay identical to each other and to Compose. Quoted scalars
// never reach it: the parsers only resolve plain scalars implicitly.

/** A plain scalar that go-yaml reads as an octal integer: a sign, a leading 0, octal digits. */
export const YAML11_OCTAL = /^[-+]?0[0-7]+$/;

/** The value of a scalar matching YAML11_OCTAL. */
export function parseYaml11Octal(text: string): number {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '');
  const value = parseInt(digits, 8);
  return negative ? -value : value;
}
