import type { NetworkCreateRequest } from '../engine/types.js';
import type { ContainerCreateBody, EndpointConfig } from '../client/api/wire.js';
import type { VolumeCreateBody } from '../client/api/volumes.js';
import type { InlineFile } from './container-mounts.js';

// A plan is a DAG of operations. Each operation is one engine call (or one wait on the
// engine's events), names the resource it touches and says why it is there. The executor
// walks it; the text form is what golden tests compare.

export type Operation =
  | { kind: 'CheckImage'; service: string; image: string; policy: 'missing' | 'never' | 'always' }
  | { kind: 'CreateNetwork'; network: string; body: NetworkCreateRequest }
  | { kind: 'RemoveNetwork'; network: string }
  | { kind: 'CreateVolume'; volume: string; body: VolumeCreateBody }
  | { kind: 'RemoveVolume'; volume: string }
  | { kind: 'CreateContainer'; service: string; container: string; body: ContainerCreateBody; files?: InlineFile[] }
  | { kind: 'ConnectNetwork'; service: string; container: string; network: string; endpoint: EndpointConfig }
  | { kind: 'StartContainer'; service: string; container: string }
  /**
   * Tell the engine that the container's start is near (berthd prepares it; a hint, whose
   * failure fails nothing): added where a start waits only for a health probe due soon.
   */
  | { kind: 'PrepareStart'; service: string; container: string }
  | { kind: 'StopContainer'; service: string; container: string; timeout?: number }
  | { kind: 'RestartContainer'; service: string; container: string; timeout?: number }
  | { kind: 'KillContainer'; service: string; container: string; signal?: string }
  | { kind: 'PauseContainer'; service: string; container: string }
  | { kind: 'UnpauseContainer'; service: string; container: string }
  | { kind: 'RenameContainer'; service: string; container: string; to: string }
  | { kind: 'RemoveContainer'; service: string; container: string; volumes: boolean; force: boolean }
  | { kind: 'RemoveImage'; image: string }
  /** Wait on engine events until the container is healthy (fails when it turns unhealthy). */
  | { kind: 'AwaitHealthy'; service: string; container: string; dependent?: string }
  /** Wait until the container exited; requireZero fails on a non-zero exit code. */
  | { kind: 'AwaitExit'; service: string; container: string; requireZero: boolean; dependent?: string }
  /** `up --wait`: the container is running, and healthy when it has a health check. */
  | { kind: 'AwaitReady'; service: string; container: string };

export type OperationKind = Operation['kind'];

export interface PlanNode {
  id: number;
  deps: number[];
  op: Operation;
  reason?: string;
}

export interface Plan {
  nodes: PlanNode[];
  /** Things the user should know that are not errors (orphans left alone, ...). */
  warnings: string[];
  /** Containers left running as they are (reported as "Running", not operated on). */
  kept?: string[];
}

/** The resource an operation touches, as printed: service:web, network:p_default, ... */
export function resourceOf(op: Operation): string {
  switch (op.kind) {
    case 'CreateNetwork':
    case 'RemoveNetwork':
      return `network:${op.network}`;
    case 'CreateVolume':
    case 'RemoveVolume':
      return `volume:${op.volume}`;
    case 'RemoveImage':
      return `image:${op.image}`;
    default:
      return `service:${op.service}`;
  }
}

/** The object a progress line names: the container, network, volume or image. */
export function subjectOf(op: Operation): { type: 'Container' | 'Network' | 'Volume' | 'Image'; name: string } {
  switch (op.kind) {
    case 'CreateNetwork':
    case 'RemoveNetwork':
      return { type: 'Network', name: op.network };
    case 'CreateVolume':
    case 'RemoveVolume':
      return { type: 'Volume', name: op.volume };
    case 'RemoveImage':
    case 'CheckImage':
      return { type: 'Image', name: op.image };
    default:
      return { type: 'Container', name: op.container };
  }
}

function detailOf(op: Operation): string {
  switch (op.kind) {
    case 'CheckImage':
      return `${op.image} pull=${op.policy}`;
    case 'CreateNetwork':
    case 'RemoveNetwork':
    case 'CreateVolume':
    case 'RemoveVolume':
    case 'RemoveImage':
      return '';
    case 'ConnectNetwork':
      return `${op.container} to ${op.network}`;
    case 'RenameContainer':
      return `${op.container} to ${op.to}`;
    case 'KillContainer':
      return op.signal ? `${op.container} ${op.signal}` : op.container;
    case 'AwaitHealthy':
    case 'AwaitExit':
      return op.dependent ? `${op.container} for ${op.dependent}` : op.container;
    default:
      return op.container;
  }
}

export function renderPlan(plan: Plan): string {
  const lines = plan.nodes.map((n) => {
    const deps = n.deps.length ? ` -> ${n.deps.map((d) => `#${d}`).join(',')}` : '';
    const detail = detailOf(n.op);
    const reason = n.reason ? ` (${n.reason})` : '';
    return `[${n.id}]${deps} ${resourceOf(n.op)} ${n.op.kind}${detail ? ` ${detail}` : ''}${reason}`;
  });
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Builds a plan, numbering nodes from 1 in insertion order. */
export class PlanBuilder {
  private readonly nodes: PlanNode[] = [];
  readonly warnings: string[] = [];
  readonly kept: string[] = [];

  add(op: Operation, deps: (number | undefined)[] = [], reason?: string): number {
    const id = this.nodes.length + 1;
    const clean = [...new Set(deps.filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
    this.nodes.push({ id, deps: clean, op, ...(reason ? { reason } : {}) });
    return id;
  }

  build(): Plan {
    return { nodes: this.nodes, warnings: this.warnings, ...(this.kept.length ? { kept: this.kept } : {}) };
  }
}
