// berth's additions to the Docker Engine API, shared by berthd and berth's client. Docker
// ignores unknown headers, so a berth client talking to dockerd loses nothing but the hint.

/**
 * On POST /containers/create: "1" says that the client starts the container at once (berth's
 * `container run`), so berthd prepares the start while the client attaches. Lower case, as
 * Node's server presents header names.
 */
export const START_NEXT_HEADER = 'x-berth-start-next';

/**
 * POST /containers/{id}/prepare-start: the client will start the container soon (compose's
 * `up`, once what the start waits for is near: a dependency's first health probe). berthd
 * prepares the start as for START_NEXT_HEADER and answers 204 at once; a container that
 * cannot be prepared (running, `container:` network mode, a named volume that the start may
 * fill from the image) is left as it is. dockerd answers
 * 404, which the client ignores.
 */
export const prepareStartPath = (id: string): string => `/containers/${encodeURIComponent(id)}/prepare-start`;
