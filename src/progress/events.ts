// Typed progress events: the executor (and commands) emit them, renderers only display
// them. One event is one state change of one resource, as Compose prints it
// ("Container p-web-1  Started").

export type ResourceType = 'Container' | 'Network' | 'Volume' | 'Image';

export type ProgressStatus =
  | 'Creating' | 'Created'
  | 'Recreate' | 'Recreated'
  | 'Starting' | 'Started'
  | 'Stopping' | 'Stopped'
  | 'Restarting' | 'Restarted'
  | 'Removing' | 'Removed'
  | 'Killing' | 'Killed'
  | 'Pausing' | 'Paused'
  | 'Unpausing' | 'Unpaused'
  | 'Waiting' | 'Healthy' | 'Exited' | 'Running'
  | 'Error' | 'Warning';

export interface ProgressEvent {
  type: ResourceType;
  name: string;
  status: ProgressStatus;
  /** true when the status is final for this step (Created, Started, Healthy, Error, ...). */
  done: boolean;
  /** Extra text: the error message, the exit code. */
  detail?: string;
}

/** A resource the coming work will report on, and how many steps it will finish. */
export interface ExpectedResource {
  type: ResourceType;
  name: string;
  steps: number;
}

export interface ProgressSink {
  /** Called before work starts with what it will touch (the tty renderer lays out lines). */
  begin?(resources: ExpectedResource[]): void;
  emit(event: ProgressEvent): void;
  /** A message that is not about one resource (warnings). */
  note(message: string): void;
  /** Flush and stop rendering (the listr2 renderer ends its list). */
  close(): Promise<void>;
}

export const DONE_STATUSES: ReadonlySet<ProgressStatus> = new Set<ProgressStatus>([
  'Created', 'Recreated', 'Started', 'Stopped', 'Restarted', 'Removed', 'Killed', 'Paused', 'Unpaused', 'Healthy', 'Exited', 'Running', 'Error',
]);

export const event = (type: ResourceType, name: string, status: ProgressStatus, detail?: string): ProgressEvent => ({
  type, name, status, done: DONE_STATUSES.has(status), ...(detail === undefined ? {} : { detail }),
});
