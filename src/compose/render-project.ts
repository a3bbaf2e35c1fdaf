import { stringify } from 'yaml';
import type { Project } from './model.js';

// `berth config` output. JSON is the model as is (the shape `docker compose config
// --format json` prints, with "command": null). YAML leaves out null command and
// entrypoint, as `docker compose config` does, and never folds long lines.

export type ProjectFormat = 'yaml' | 'json';

function withoutNullCommands(project: Project): Record<string, unknown> {
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => {
      const copy: Record<string, unknown> = { ...service };
      if (copy.command === null) delete copy.command;
      if (copy.entrypoint === null) delete copy.entrypoint;
      return [name, copy];
    }),
  );
  return { ...project, services };
}

export function renderProject(project: Project, format: ProjectFormat): string {
  if (format === 'json') return `${JSON.stringify(project, null, 2)}\n`;
  return stringify(withoutNullCommands(project), { lineWidth: 0, aliasDuplicateObjects: false });
}
