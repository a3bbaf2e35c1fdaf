// What exists on the engine for one project: one snapshot, taken by observe() and read
// by the pure planner. Plain data, no engine handles.

export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  /** running | created | exited | paused | restarting | dead | removing */
  state: string;
  status: string;
  configHash: string;
  oneoff: boolean;
  image: string;
  created: number;
  labels: Record<string, string>;
  ports: { ip?: string; privatePort: number; publicPort?: number; type: string }[];
  /** Volume mounts (named and anonymous): a recreated container keeps its anonymous ones. */
  volumes?: { name: string; target: string }[];
}

export interface ObservedNetwork {
  id: string;
  name: string;
  /** The compose key from the `com.docker.compose.network` label ('' for externals). */
  key: string;
  labels: Record<string, string>;
}

export interface ObservedVolume {
  name: string;
  key: string;
  labels: Record<string, string>;
}

export interface Observed {
  project: string;
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
  /** Engine names of external networks/volumes the project refers to that exist. */
  externalNetworks: string[];
  externalVolumes: string[];
}

export const emptyObserved = (project: string): Observed => ({
  project,
  containers: [],
  networks: [],
  volumes: [],
  externalNetworks: [],
  externalVolumes: [],
});
