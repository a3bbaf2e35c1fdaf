import type { EngineEvent } from './types.js';

// The in-process event bus. Every service publishes here; GET /events streams from it.
// The most recent events stay in a ring buffer so `since` can replay the past, as
// dockerd does (it keeps 256).

export type EventListener = (event: EngineEvent) => void;

const RING_SIZE = 1024;

/** Events about one container kept back (see EventBus.hold). */
export interface EventHold {
  /** Publish what was kept, now, in order, and stop keeping. */
  release(): void;
  /** Forget what was kept, and stop keeping. */
  drop(): void;
}

type HeldEvent = [type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string>];

export class EventBus {
  private readonly ring: EngineEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private readonly holds = new Map<string, HeldEvent[]>();

  /**
   * Keep back the events that name a container in their attributes (a network's connect, a
   * volume's mount) until release() or drop(). Why: a start prepared ahead of its request
   * (Lifecycle.prepare) makes the sandbox early, but clients should hear of it with the start,
   * as Docker announces it, or not at all if the start never comes.
   */
  hold(containerId: string): EventHold {
    const kept: HeldEvent[] = [];
    this.holds.set(containerId, kept);
    const end = (): void => {
      if (this.holds.get(containerId) === kept) this.holds.delete(containerId);
    };
    return {
      release: () => {
        end();
        for (const [type, action, id, attributes] of kept.splice(0)) this.emit(type, action, id, attributes);
      },
      drop: () => {
        end();
        kept.length = 0;
      },
    };
  }

  /** Publish one event; the legacy status/id/from fields are filled for containers and images. */
  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = process.hrtime.bigint() - hrtimeBase + wallBaseNs;
    const event: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (attributes.image !== undefined) event.from = attributes.image;
    }
    // Kept back: published (with the time of its release) or dropped later.
    const held = attributes.container === undefined ? undefined : this.holds.get(attributes.container);
    if (held) {
      held.push([type, action, id, attributes]);
      return event;
    }
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Buffered events with time in [sinceNs, untilNs]. */
  past(sinceNs: number, untilNs = Number.POSITIVE_INFINITY): EngineEvent[] {
    return this.ring.filter((e) => e.timeNano >= sinceNs && e.timeNano <= untilNs);
  }
}

// Wall-clock nanoseconds with hrtime resolution: events in one millisecond keep their order.
const hrtimeBase = process.hrtime.bigint();
const wallBaseNs = BigInt(Date.now()) * 1_000_000n;

export type EventFilters = Record<string, string[]>;

/** Docker's /events filters: values of one key are OR-ed, keys are AND-ed. */
export function matchesEventFilters(event: EngineEvent, filters: EventFilters): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    const attrs = event.Actor.Attributes;
    const ok = values.some((value) => {
      switch (key) {
        case 'type':
          return event.Type === value;
        case 'event':
          return event.Action === value || event.Action.startsWith(`${value}:`);
        case 'container':
          return event.Type === 'container' && matchesIdOrName(event.Actor.ID, attrs.name, value);
        case 'network':
          return event.Type === 'network' && matchesIdOrName(event.Actor.ID, attrs.name, value);
        case 'volume':
          return event.Type === 'volume' && event.Actor.ID === value;
        case 'image':
          return (event.Type === 'image' && matchesIdOrName(event.Actor.ID, attrs.name, value)) || attrs.image === value;
        case 'label': {
          const eq = value.indexOf('=');
          if (eq < 0) return attrs[value] !== undefined;
          return attrs[value.slice(0, eq)] === value.slice(eq + 1);
        }
        case 'scope':
          return value === 'local';
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}

function matchesIdOrName(id: string, name: string | undefined, value: string): boolean {
  return id === value || (value.length >= 1 && id.startsWith(value)) || name === value;
}

/** Parse Docker's `since`/`until`: seconds (with optional .nanoseconds) or RFC 3339, in nanoseconds. */
export function parseEventTime(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const [sec = '0', frac = ''] = value.split('.');
    return Number(BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9) || '0'));
  }
  // RFC 3339: Date.parse stops at milliseconds, the fraction is read to the nanosecond.
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(value);
  const ms = Date.parse(m ? `${m[1] ?? ''}${m[3] ?? ''}` : value);
  if (Number.isNaN(ms)) return undefined;
  return ms * 1_000_000 + Number((m?.[2] ?? '').padEnd(9, '0').slice(0, 9));
}
