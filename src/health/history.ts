import type { Device } from '../model.js';
import type { QueueSample } from './model.js';

/** Readings kept per device at most, however often it is read: the oldest go first. */
const MAX_READINGS = 64;

const key = (d: Device) => `${d.sourceId}\u0000${d.vendorDeviceId}`;

/**
 * The readings of each device's upload queue over the last while, fed with every state the device stores
 * take (polls, queries, other replicas' reads alike): "growing" needs readings from before the one at hand.
 */
export class QueueHistory {
  private readonly samples = new Map<string, QueueSample[]>();

  constructor(private readonly windowMs: number) {}

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
    list.push({ at, seconds });
    const keep = list.filter((s) => s.at >= at - this.windowMs).slice(-MAX_READINGS);
    this.samples.set(key(device), keep);
  }

  /** Oldest first. */
  of(device: Device): readonly QueueSample[] {
    return this.samples.get(key(device)) ?? [];
  }
}
