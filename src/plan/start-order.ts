import type { Project } from '../compose/model.js';
import { startLevels } from './graph.js';

// The selected services, each after the services it depends on: graph.ts's start levels
// (which refuse cycles, naming them) flattened, alphabetical within a level so plans are
// stable.
export function startOrder(project: Project, selected: Set<string>): string[] {
  return startLevels(project, [...selected]).flat();
}
