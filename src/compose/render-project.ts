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

export interface RenderOptions {
  /**
   * Write a literal `$` as `$$`, as `docker compose config` does after interpolating, so
   * the output loads back to the same values (true unless --no-interpolate).
   */
  escapeDollars?: boolean;
}

export function renderProject(project: Project, format: ProjectFormat, options: RenderOptions = {}): string {
  const text = format === 'json' ? `${JSON.stringify(project, null, 2)}\n` : stringify(withoutNullCommands(project), { lineWidth: 0, aliasDuplicateObjects: false });
  return options.escapeDollars === false ? text : text.replaceAll('$', '$$$$');
}
