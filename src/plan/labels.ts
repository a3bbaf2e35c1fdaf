// Every label key berth stamps on or reads from engine objects, in one place. The keys are
// Docker Compose's, so `docker compose ps` and berth see the same projects.

const PREFIX = 'com.docker.compose';

export const Labels = {
  project: `${PREFIX}.project`,
  service: `${PREFIX}.service`,
  containerNumber: `${PREFIX}.container-number`,
  configHash: `${PREFIX}.config-hash`,
  oneoff: `${PREFIX}.oneoff`,
  workingDir: `${PREFIX}.project.working_dir`,
  configFiles: `${PREFIX}.project.config_files`,
  version: `${PREFIX}.version`,
  dependsOn: `${PREFIX}.depends_on`,
  image: `${PREFIX}.image`,
  network: `${PREFIX}.network`,
  volume: `${PREFIX}.volume`,
  /** Set on a one-off (`run`) container: the slug Compose uses, here the container name. */
  slug: `${PREFIX}.slug`,
} as const;

/** The version Compose writes in `com.docker.compose.version`; berth writes its own. */
export const BERTH_COMPOSE_VERSION = '2.20.0-berth';

/** Filter value selecting a project's objects: `label=com.docker.compose.project=<p>`. */
export function projectFilter(project: string): string {
  return `${Labels.project}=${project}`;
}
