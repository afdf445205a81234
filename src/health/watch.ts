import type { Device } from '../model.js';
import type { PollReport } from '../subscriptions/poller.js';
import { onTopic, type PubSub } from '../subscriptions/pubsub.js';
import type { HealthLedger } from './ledger.js';
import { healthKey, type DeviceHealth } from './model.js';

/**
 * Announces deviceHealthChanged, from one place: after each poll, on the replica that polls the source (so
 * with Redis one replica speaks for each source, as for deviceChanged). Each poll re-judges every device of
 * the source, so a change that only time brings (offline long enough, a read grown stale) is announced too,
 * and a failed poll re-judges the last known devices (the source's circuit may have opened).
 *
 * What was last said about each device is kept per source: here, from this replica's polls and others' news,
 * and (with Redis) in the ledger, which the replica that polls writes after each poll and a replica taking up
 * the polling (a takeover, or one just started) reads first. So that replica announces what changed since the
 * last word, the handover included. A device nobody has judged before is the starting point, not news.
 */
export class HealthWatch {
  /** Per source, what was last said about each device (by vendor device id). */
  private readonly told = new Map<string, Map<string, DeviceHealth>>();
  /** Sources the ledger may be behind on (a write failed, or this replica spoke to its own subscribers only). */
  private readonly unsaved = new Set<string>();
  /** Per source, the report being judged: reports of one source are judged in order. */
  private readonly judging = new Map<string, Promise<void>>();
  private readonly stop: () => void;

  constructor(
    private readonly judge: (device: Device) => DeviceHealth,
    pubsub: PubSub,
    /** A source's devices as last read, without reading again (for a poll that failed). */
    private readonly known: (sourceId: string) => Promise<Device[]>,
    /** Null without Redis: no other replica then, this one's memory is the whole record. */
    private readonly ledger: HealthLedger | null,
  ) {
    this.stop = onTopic(pubsub, 'deviceHealthChanged', (e) => void this.toldOf(e.device.sourceId).set(e.device.vendorDeviceId, e.health));
  }

  polled(report: PollReport): Promise<void> {
    const id = report.source.id;
    const before = this.judging.get(id)?.catch(() => undefined) ?? Promise.resolve();
    const next = before.then(() => this.judgeAll(report));
    this.judging.set(id, next);
    const done = () => void (this.judging.get(id) === next && this.judging.delete(id));
    next.then(done, done);
    return next;
  }

  close(): void {
    this.stop();
  }

  private toldOf(sourceId: string): Map<string, DeviceHealth> {
    let told = this.told.get(sourceId);
    if (!told) this.told.set(sourceId, (told = new Map()));
    return told;
  }

  private async judgeAll(report: PollReport): Promise<void> {
    const sourceId = report.source.id;
    const told = this.toldOf(sourceId);
    if (report.first && this.ledger) {
      const recorded = await this.ledger.load(sourceId);
      // the replica that polled before wrote it last: it knows better than the news this one heard
      if (recorded) for (const [id, h] of recorded) told.set(id, h);
      else this.unsaved.add(sourceId);
    }
    const devices = report.devices ?? (await this.known(sourceId).catch(() => []));
    const at = new Date();
    const changed = new Map<string, DeviceHealth>();
    for (const device of devices) {
      const health = this.judge(device);
      const previous = told.get(device.vendorDeviceId) ?? null;
      if (previous && healthKey(previous) === healthKey(health)) continue;
      told.set(device.vendorDeviceId, health);
      changed.set(device.vendorDeviceId, health);
      if (previous) report.publish('deviceHealthChanged', { device, health, previous, at });
    }
    // devices a successful poll no longer shows are forgotten: back one day, they start afresh
    const present = new Set(devices.map((d) => d.vendorDeviceId));
    const gone = report.devices ? [...told.keys()].filter((id) => !present.has(id)) : [];
    for (const id of gone) told.delete(id);
    await this.save(report, changed, gone);
  }

  private async save(report: PollReport, changed: Map<string, DeviceHealth>, gone: string[]): Promise<void> {
    const sourceId = report.source.id;
    if (!this.ledger) return;
    if (!report.shared) {
      this.unsaved.add(sourceId);
      return;
    }
    const whole = this.unsaved.has(sourceId);
    const saved = await this.ledger.save(sourceId, whole ? this.toldOf(sourceId) : changed, gone, whole);
    if (saved) this.unsaved.delete(sourceId);
    else this.unsaved.add(sourceId);
  }
}
