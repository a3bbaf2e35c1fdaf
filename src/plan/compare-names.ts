// Names (services, containers, networks, volumes) in the order String#localeCompare gives,
// without its cost: the first localeCompare of a process sets up ICU's collator (~5-8 ms
// here, most of `berth down`'s planning). For names made only of [a-z0-9._-], the usual
// case, the collator's order is a plain weight order: `_` < `-` < `.` < digits < letters,
// a shorter prefix first (checked against localeCompare in compare-names.test.ts); any
// other character goes to localeCompare itself. Only in the C/POSIX/English locales ICU
// takes from the environment: others order letters their own way (Danish: aa after z).

const WEIGHT = new Int8Array(128).fill(-1);
WEIGHT['_'.charCodeAt(0)] = 0;
WEIGHT['-'.charCodeAt(0)] = 1;
WEIGHT['.'.charCodeAt(0)] = 2;
for (let c = 0; c < 10; c++) WEIGHT[48 + c] = 3 + c;
for (let c = 0; c < 26; c++) WEIGHT[97 + c] = 13 + c;

let plainLocale: boolean | undefined;

function isPlainLocale(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['LC_ALL', 'LC_MESSAGES', 'LC_COLLATE', 'LANG', 'LANGUAGE'].every((k) => {
    const v = env[k];
    return v === undefined || v === '' || /^(C|POSIX|en)([._@:-]|$)/.test(v);
  });
}

/** Negative, zero or positive as `a.localeCompare(b)` is. */
export function compareNames(a: string, b: string): number {
  plainLocale ??= isPlainLocale();
  if (!plainLocale) return a.localeCompare(b);
  let result = 0;
  for (let i = 0; i < a.length || i < b.length; i++) {
    const wa = i < a.length ? weight(a, i) : -2;
    const wb = i < b.length ? weight(b, i) : -2;
    // A character outside the simple set, anywhere: the collator decides.
    if (wa === -1 || wb === -1) return a.localeCompare(b);
    if (result === 0 && wa !== wb) result = wa - wb;
  }
  return result;
}

function weight(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (WEIGHT[c] ?? -1) : -1;
}
