import type { Device } from '../model.js';
import type { PollReport } from '../subscriptions/poller.js';
import { onTopic, type PubSub } from '../subscriptions/pubsub.js';
import { healthKey, type DeviceHealth } from './model.js';

const key = (d: Device) => `${d.sourceId}\u0000${d.vendorDeviceId}`;

/**
 * Announces deviceHealthChanged, from one place: after each poll, on the replica that polls the source (so
 * with Redis one replica speaks for each source, as for deviceChanged). Each poll re-judges every device of
 * the source, so a change that only time brings (offline long enough, a read grown stale) is announced too,
 * and a failed poll re-judges the last known devices (the source's circuit may have opened).
 *
 * Every replica keeps what was last announced about each device, its own news and others' alike, so a replica
 * taking over the polling announces only what changed since. A device first judged is the starting point,
 * not news.
 */
export class HealthWatch {
  private readonly told = new Map<string, DeviceHealth>();
  private readonly stop: () => void;

  constructor(
    private readonly judge: (device: Device) => DeviceHealth,
    pubsub: PubSub,
    /** A source's devices as last read, without reading again (for a poll that failed). */
    private readonly known: (sourceId: string) => Promise<Device[]>,
  ) {
    this.stop = onTopic(pubsub, 'deviceHealthChanged', (e) => void this.told.set(key(e.device), e.health));
  }

  async polled(report: PollReport): Promise<void> {
    const devices = report.devices ?? (await this.known(report.source.id).catch(() => []));
    const at = new Date();
    for (const device of devices) {
      const health = this.judge(device);
      const previous = this.told.get(key(device)) ?? null;
      this.told.set(key(device), health);
      if (previous && healthKey(previous) !== healthKey(health)) report.publish('deviceHealthChanged', { device, health, previous, at });
    }
  }

  close(): void {
    this.stop();
  }
}
