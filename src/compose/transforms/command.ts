import { shellSplit } from '../shell-split.js';
import { scalarString, type Transform } from './transform.js';

// command / entrypoint: the string form is split as a shell would; the list form is kept.
// null stays null ("use the image's"), an empty string clears it ([]).

export const shellCommand: Transform = (v) => {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(scalarString);
  return shellSplit(scalarString(v));
};
