import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime.js';
import type { FleetDeviceResult, FleetProgressEvent } from './results.js';

export const FLEET_COMMAND_KINDS = [
  'START_RECORDING',
  'STOP_RECORDING',
  'START_STREAM',
  'STOP_STREAM',
  'UPDATE_SETTINGS',
  'START_FIRMWARE_UPDATE',
] as const;
export type FleetCommandKind = (typeof FLEET_COMMAND_KINDS)[number];

/** A fleet command this process runs or ran: what the mutation answers and the progress subscription replays. */
export class FleetRun {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  finishedAt: Date | null = null;
  readonly results: FleetDeviceResult[] = [];
  /** Every progress event so far, so a subscriber that comes late (after the mutation answered) misses none. */
  readonly events: FleetProgressEvent[] = [];
  succeeded = 0;
  failed = 0;

  constructor(
    readonly kind: FleetCommandKind,
    readonly total: number,
  ) {}

  /** Records one device's outcome; returns the event to publish. */
  add(result: FleetDeviceResult): FleetProgressEvent {
    this.results.push(result);
    if (result.error) this.failed += 1;
    else this.succeeded += 1;
    return this.event(result);
  }

  finish(): FleetProgressEvent {
    this.finishedAt = new Date();
    return this.event(null);
  }

  private event(result: FleetDeviceResult | null): FleetProgressEvent {
    const e = { fleetCommandId: this.id, result, total: this.total, succeeded: this.succeeded, failed: this.failed, finishedAt: this.finishedAt };
    this.events.push(e);
    return e;
  }
}

/** Finished runs are kept this long, and at most this many, for late subscribers. */
const RETAIN_MS = 10 * 60_000;
const RETAIN_MAX = 100;

/** This process's fleet runs by id; one registry per runtime (tests run several in one process). */
export class FleetRuns {
  private readonly runs = new Map<string, FleetRun>();

  get(id: string): FleetRun | undefined {
    return this.runs.get(id);
  }

  add(run: FleetRun): void {
    this.prune(Date.now());
    this.runs.set(run.id, run);
  }

  /** Drops finished runs past their time, then the oldest finished ones beyond RETAIN_MAX (insertion order). */
  private prune(now: number): void {
    const finished = [...this.runs.values()].filter((r) => r.finishedAt);
    let excess = finished.length - RETAIN_MAX;
    for (const r of finished) {
      if (excess > 0 || now - r.finishedAt!.getTime() > RETAIN_MS) {
        this.runs.delete(r.id);
        excess -= 1;
      }
    }
  }
}

const registries = new WeakMap<Runtime, FleetRuns>();

export function fleetRuns(runtime: Runtime): FleetRuns {
  let runs = registries.get(runtime);
  if (!runs) registries.set(runtime, (runs = new FleetRuns()));
  return runs;
}
