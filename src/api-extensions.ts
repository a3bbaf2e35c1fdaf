// berth's additions to the Docker Engine API, shared by berthd and berth's client. Docker
// ignores unknown headers, so a berth client talking to dockerd loses nothing but the hint.

/**
 * On POST /containers/create: "1" says that the client starts the container at once (berth's
 * `container run`), so berthd prepares the start while the client attaches. Lower case, as
 * Node's server presents header names.
 */
export const START_NEXT_HEADER = 'x-berth-start-next';
