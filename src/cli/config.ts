import { Option, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { action, globalsOf } from './command-adapter.js';

// `berth config`: load the project through the whole pipeline and print it in canonical
// form, or one of its lists. Heavy modules (yaml, the schema validator) are imported
// inside the action so other commands do not pay for them at start.

interface ConfigFlags {
  format: 'yaml' | 'json';
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  profiles?: boolean;
  images?: boolean;
  hash?: string;
  quiet?: boolean;
  interpolate: boolean;
  output?: string;
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('Parse, resolve and render the compose project in canonical format')
    .argument('[services...]', 'only these services (and what they depend on)')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--services', 'print the service names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--networks', 'print the network names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('--hash <services>', 'print the config hash of these services (comma-separated, * for all)')
    .option('-q, --quiet', 'only validate the configuration, print nothing')
    .option('--no-interpolate', 'do not interpolate environment variables')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(action(async (services: string[], flags: ConfigFlags, cmd: Command) => runConfig(services, flags, cmd)));
}

async function runConfig(services: string[], flags: ConfigFlags, cmd: Command): Promise<number> {
  const [{ loadProject }, { loadOptionsFromFlags }, { attachCodeFrame }] = await Promise.all([
    import('../compose/pipeline.js'),
    import('../compose/load-options.js'),
    import('../compose/code-frame.js'),
  ]);
  const globals = globalsOf(cmd);
  const options = loadOptionsFromFlags(globals, {
    services,
    interpolate: flags.interpolate,
    onWarning: onceEach((message) => process.stderr.write(`WARN[0000] ${message}\n`)),
    // --profiles lists every profile, so every service must be loaded.
    ...(flags.profiles ? { profiles: ['*'] } : {}),
  });
  let text: string;
  try {
    const project = await loadProject(options);
    if (flags.quiet) return 0;
    text = await renderFor(project, services, flags);
  } catch (err) {
    throw process.stderr.isTTY ? attachCodeFrame(err) : err;
  }
  if (flags.output) await writeFile(flags.output, text);
  else process.stdout.write(text);
  return 0;
}

async function renderFor(project: import('../compose/model.js').Project, services: string[], flags: ConfigFlags): Promise<string> {
  const { selectServices, servicesInDependencyOrder } = await import('../compose/select-services.js');
  const selected = selectServices(project, services);
  const lines = (items: string[]): string => items.map((s) => `${s}\n`).join('');
  if (flags.services) return lines(servicesInDependencyOrder(selected));
  if (flags.volumes) return lines(Object.keys(selected.volumes ?? {}));
  if (flags.networks) return lines(Object.keys(selected.networks ?? {}));
  if (flags.profiles) {
    const { allProfiles } = await import('../compose/profiles.js');
    return lines(allProfiles(selected));
  }
  if (flags.images) return lines(servicesInDependencyOrder(selected).map((n) => selected.services[n]?.image || `${selected.name}-${n}`));
  if (flags.hash !== undefined) {
    const { serviceConfigHash } = await import('../compose/hash.js');
    const { ComposeError } = await import('../compose/errors.js');
    const wanted = flags.hash === '*' ? Object.keys(selected.services).sort() : flags.hash.split(',').map((s) => s.trim());
    return lines(
      wanted.map((name) => {
        const service = selected.services[name];
        if (!service) throw new ComposeError('undefined_reference', `no such service: ${name}`);
        return `${name} ${serviceConfigHash(service)}`;
      }),
    );
  }
  const { renderProject } = await import('../compose/render-project.js');
  return renderProject(selected, flags.format, { escapeDollars: flags.interpolate });
}

/** Each distinct warning once, however many files or phases raise it. */
function onceEach(write: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    write(message);
  };
}
