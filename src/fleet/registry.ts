import { randomUUID } from 'node:crypto';
import type { RedisFleetLog } from './progress-log.js';
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
  /** Every progress event so far, so a subscriber that comes late (after the mutation answered) misses none. */
  readonly events: FleetProgressEvent[] = [];
  succeeded = 0;
  failed = 0;

  constructor(
    readonly kind: FleetCommandKind,
    readonly total: number,
  ) {}

  /** Each device's outcome so far, in the order they finished. */
  get results(): FleetDeviceResult[] {
    return this.events.flatMap((e) => (e.result ? [e.result] : []));
  }

  /** Records one device's outcome; returns the event to publish. */
  add(result: FleetDeviceResult): FleetProgressEvent {
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

/** Finished runs are kept this long (here, and their progress in Redis), and at most this many here, for late subscribers. */
export const RETAIN_MS = 10 * 60_000;
const RETAIN_MAX = 100;

/**
 * Fleet runs by id: this process's own, and with Redis every replica's progress, so a subscriber anywhere gets a
 * command's whole story.
 */
export class FleetRuns {
  private readonly runs = new Map<string, FleetRun>();

  constructor(private readonly shared: RedisFleetLog | null) {}

  /** Resolves once other replicas can find the run too. */
  async add(run: FleetRun): Promise<void> {
    this.prune(Date.now());
    this.runs.set(run.id, run);
    await this.shared?.started({ fleetCommandId: run.id, total: run.total, startedAt: run.startedAt });
  }

  /** Keeps an event of a run of this process for subscribers of other replicas; resolves before it may be published. */
  async record(e: FleetProgressEvent): Promise<void> {
    await this.shared?.append(e);
  }

  /**
   * The events of a fleet command so far: this process's own run, else what its replica wrote to Redis. Null for
   * a command no replica ran, or finished long ago (or, while Redis is away, one of another replica).
   */
  async replay(id: string): Promise<FleetProgressEvent[] | null> {
    const run = this.runs.get(id);
    if (run) return [...run.events];
    return (await this.shared?.read(id)) ?? null;
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
