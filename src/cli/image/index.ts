import type { Command } from 'commander';
import { defineHistory } from './history.js';
import { defineImagesList } from './images.js';
import { defineImport } from './import.js';
import { defineInspect } from './inspect.js';
import { defineLoad } from './load.js';
import { definePrune } from './prune.js';
import { defineRmi } from './rmi.js';
import { defineSave } from './save.js';
import { defineTag } from './tag.js';

// The image commands, as Docker's CLI has them: top-level (`berth images`, `berth rmi`,
// `berth import`, `berth load`, `berth save`, `berth tag`) and the `berth image` group.
export function registerImageCommands(program: Command): void {
  defineImagesList(program, 'images');
  defineImport(program, 'import');
  defineLoad(program, 'load');
  defineSave(program, 'save');
  defineRmi(program, 'rmi');
  defineTag(program, 'tag');

  const group = program.command('image').description('Manage images (docker image …)');
  defineImagesList(group, 'ls').alias('list');
  defineInspect(group, 'inspect');
  defineRmi(group, 'rm').alias('remove');
  defineTag(group, 'tag');
  defineImport(group, 'import');
  defineLoad(group, 'load');
  defineSave(group, 'save');
  definePrune(group, 'prune');
  defineHistory(group, 'history');
}
