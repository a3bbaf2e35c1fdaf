// What a caller (a CLI command, a test) asks of the loading pipeline. The field names
// follow the global CLI flags so `globalsOf(cmd)` maps onto them directly.

export interface LoadOptions {
  /** -f values, `-` for stdin; empty → COMPOSE_FILE → default names. */
  files?: readonly string[] | undefined;
  projectName?: string | undefined;
  projectDirectory?: string | undefined;
  /** --env-file values; empty → `.env` in the project directory. */
  envFiles?: readonly string[] | undefined;
  /** --profile values; empty → COMPOSE_PROFILES. `*` enables all. */
  profiles?: readonly string[] | undefined;
  /** Services named on the command line: they are enabled whatever their profiles. */
  services?: readonly string[] | undefined;
  /** false skips interpolation (`--no-interpolate`). Default true. */
  interpolate?: boolean | undefined;
  /** Process environment; defaults to process.env. */
  env?: Record<string, string | undefined> | undefined;
  /** Working directory for relative -f and --env-file; defaults to process.cwd(). */
  cwd?: string | undefined;
  /** Content of `-f -`. */
  stdin?: string | undefined;
  /** Non-fatal findings (unset variables, several default files). */
  onWarning?: ((message: string) => void) | undefined;
}

/** Global CLI options, structurally (so compose/ does not import cli/). */
export interface GlobalComposeFlags {
  file?: string[] | undefined;
  projectName?: string | undefined;
  projectDirectory?: string | undefined;
  profile?: string[] | undefined;
  envFile?: string[] | undefined;
}

export function loadOptionsFromFlags(flags: GlobalComposeFlags, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    files: flags.file,
    projectName: flags.projectName,
    projectDirectory: flags.projectDirectory,
    profiles: flags.profile,
    envFiles: flags.envFile,
    ...extra,
  };
}
