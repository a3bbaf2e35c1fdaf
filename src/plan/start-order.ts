import type { Project } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { dependenciesOf } from './dependencies.js';

// The selected services, each after the services it depends on (alphabetical among
// peers, so plans are stable). A cycle is refused naming its members.
export function startOrder(project: Project, selected: Set<string>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new BerthError('invalid', `dependency cycle detected: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    state.set(name, 'visiting');
    const svc = project.services[name];
    const deps = svc ? dependenciesOf(svc).map((d) => d.service).filter((d) => selected.has(d)).sort() : [];
    for (const dep of deps) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...selected].sort()) visit(name, []);
  return order;
}

/** Reverse of the start order: dependents before what they depend on. */
export function stopOrder(project: Project, selected: Set<string>): string[] {
  return startOrder(project, selected).reverse();
}
