import type { Logger } from '../log.js';
import type { Device } from '../model.js';
import type { Source } from '../sources/source.js';
import type { DeviceStore } from '../store/device-store.js';
import type { PollerSet } from '../subscriptions/poller.js';
import type { PubSub } from '../subscriptions/pubsub.js';
import { deviceHealth } from './compute.js';
import { QueueHistory } from './history.js';
import type { HealthLedger } from './ledger.js';
import type { DeviceHealth, HealthThresholds } from './model.js';
import { HealthWatch } from './watch.js';

/** Device health for the schema, and the watch that announces its changes; one per process. */
export class HealthService {
  private readonly history: QueueHistory;
  private readonly watch: HealthWatch;
  private readonly stop: (() => void)[];

  constructor(
    readonly thresholds: HealthThresholds,
    private readonly sources: ReadonlyMap<string, Source>,
    stores: ReadonlyMap<string, DeviceStore>,
    pollers: PollerSet,
    pubsub: PubSub,
    /** Where the polling replica leaves what it said, for the next one (null without Redis). */
    ledger: HealthLedger | null,
    log: Logger,
  ) {
    this.history = new QueueHistory(thresholds.uploadQueueMinutes * 60_000);
    this.watch = new HealthWatch(
      (d) => this.of(d),
      pubsub,
      async (id) => stores.get(id)?.lastFleet() ?? [],
      ledger,
    );
    this.stop = [
      ...[...stores.values()].map((s) => s.onObserved((d) => this.history.record(d))),
      pollers.onPolled((r) => {
        if (r.devices) this.history.retain(r.source.id, r.devices);
        this.watch.polled(r).catch((e: unknown) => log.warn({ source: r.source.id, err: (e as Error).message }, 'judging device health failed'));
      }),
    ];
  }

  /** The device's health as of `now`, with its source's circuit as this replica sees it. */
  of(device: Device, now = new Date()): DeviceHealth {
    const circuitOpen = this.sources.get(device.sourceId)?.health().circuitOpen ?? null;
    return deviceHealth(device, { circuitOpen, queue: this.history.of(device) }, this.thresholds, now);
  }

  close(): void {
    this.stop.forEach((s) => s());
    this.watch.close();
  }
}
