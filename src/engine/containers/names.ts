import { randomBytes } from 'node:crypto';
import { invalid } from '../../errors.js';

// Docker's container naming: IDs are 64 hex digits (shown as 12), names follow
// [a-zA-Z0-9][a-zA-Z0-9_.-]+ and an unnamed container gets "adjective_surname".

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** Validate a user-given name; returns it without a leading "/". */
export function checkName(name: string): string {
  if (!NAME_RE.test(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.replace(/^\//, '');
}

const LEFT = ['admiring', 'brave', 'calm', 'eager', 'focused', 'gifted', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'tender', 'vibrant', 'wizardly', 'zealous'];
const RIGHT = ['albattani', 'babbage', 'curie', 'darwin', 'euclid', 'fermi', 'galileo', 'hopper', 'kepler', 'lovelace', 'meitner', 'noether', 'pascal', 'ritchie', 'shannon', 'turing', 'wozniak', 'yonath'];

export function randomName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    const [a, b] = randomBytes(2);
    let name = `${LEFT[(a ?? 0) % LEFT.length]}_${RIGHT[(b ?? 0) % RIGHT.length]}`;
    if (i > 5) name += String(randomBytes(1)[0] ?? 0);
    if (!taken(name)) return name;
  }
}
