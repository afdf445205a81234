import { localId } from '../ids.js';
import type { Device } from '../model.js';
import type { QueueSample } from './model.js';

/** Readings kept per device's window at most, however often it is read: one per 1/STEPS of the window, and the newest. */
const STEPS = 64;

const key = (d: Device) => localId(d.sourceId, d.vendorDeviceId);

/**
 * The readings of each device's upload queue over the last while, fed with every state the device stores
 * take (polls, queries, other replicas' reads alike): "growing" needs readings from before the one at hand.
 */
export class QueueHistory {
  private readonly samples = new Map<string, QueueSample[]>();
  private readonly stepMs: number;

  constructor(private readonly windowMs: number) {
    this.stepMs = windowMs / STEPS;
  }

  /** A state the store took; one without an upload queue reading forgets the device's readings. */
  record(device: Device): void {
    const seconds = device.storage.find((v) => v.kind === 'UPLOAD_QUEUE')?.queuedSeconds;
    const at = device.observedAt?.getTime();
    if (seconds === null || seconds === undefined || at === undefined) {
      this.samples.delete(key(device));
      return;
    }
    const list = this.samples.get(key(device)) ?? [];
    const last = list[list.length - 1];
    // the same read seen again (shared between replicas), or an older one arriving late: nothing new
    if (last && at <= last.at) return;
    const kept = list[list.length - 2];
    // the last reading is within a step of the one kept before it: the newer one takes its place, so readings
    // stay a step apart and the window keeps its whole length however often the device is read
    if (last && kept && last.at - kept.at < this.stepMs) list[list.length - 1] = { at, seconds };
    else list.push({ at, seconds });
    const old = list.findIndex((s) => s.at >= at - this.windowMs);
    this.samples.set(key(device), old > 0 ? list.slice(old) : list);
  }

  /** Oldest first. */
  of(device: Device): readonly QueueSample[] {
    return this.samples.get(key(device)) ?? [];
  }

  /** A successful poll of a source showed these devices: the readings of its others are dropped. */
  retain(sourceId: string, devices: readonly Device[]): void {
    const present = new Set(devices.map(key));
    const prefix = localId(sourceId, '');
    for (const k of this.samples.keys()) if (k.startsWith(prefix) && !present.has(k)) this.samples.delete(k);
  }
}
