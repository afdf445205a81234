import type { Logger } from '../log.js';
import type { Device, Recording, Snapshot } from '../model.js';
import type { Source, SourceEvent } from '../sources/source.js';
import type { DeviceStore } from '../store/device-store.js';
import { changedFields } from './diff.js';
import { soloLeadership, type Leadership, type Role } from './lease.js';
import { onTopic, type PubSub, type Topics } from './pubsub.js';

export interface PollerOptions {
  /** Upper bound of the failure backoff. */
  maxBackoffMs?: number;
  /** How soon after a kick (a mutation) the source is read again. */
  kickDelayMs?: number;
  /** Share of the interval added or removed at random, so pollers of many sources spread out. */
  jitter?: number;
}

const PUSH_SLOWDOWN = 6;

/** What one poll found, told on the replica that made it (device health follows each poll this way). */
export interface PollReport {
  source: Source;
  /** The fleet as read; null when the read failed. */
  devices: Device[] | null;
  /** The first poll since this replica took up polling the source (at start, or from another replica). */
  first: boolean;
  /** Its news goes to every replica (not while this replica polls alone, nor in its last read after). */
  shared: boolean;
  /** Publishes where this poll's news goes: through Redis, or to this replica alone while it polls alone. */
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void;
}

export type PollListener = (report: PollReport) => void;

/** A set that forgets its oldest entries past a size; add() says whether the entry is new. */
class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  add(key: string): boolean {
    if (this.items.has(key)) return false;
    this.items.add(key);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
    return true;
  }
}

/**
 * One poller per source, never per subscriber: it reads the fleet while anyone listens, diffs it against
 * the last read and publishes deviceChanged events. Overlapping polls coalesce into one.
 *
 * While another replica polls, this one keeps its baseline current from that replica's events, so whenever it
 * takes over (the leader died, or Redis went away and every replica polls for itself) it diffs against what
 * subscribers last saw: a change made meanwhile is news, and nothing already announced is announced again.
 */
export class SourcePoller {
  private refs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private last = new Map<string, Device>();
  /** `last` holds a whole read of this source (not only devices learned from other replicas' events). */
  private baseline = false;
  private unwatch: (() => void) | null = null;
  private unfollow: (() => void) | null = null;
  /** This replica polls the source: it holds the lease (always, without Redis), or Redis is away. */
  private leading = false;
  /** Polling for this replica's subscribers only, because Redis is away. */
  private alone = false;
  /** The one last read after working alone is under way (see readAloneOnceMore). */
  private closing = false;
  /** This replica took up polling and has not reported a poll since. */
  private tookUp = false;
  /** Pushed recordings whose device no poll has shown yet; sent after the next poll. */
  private waiting: Recording[] = [];
  /** Recordings and snapshots already announced, so pollers and feeds never announce one twice. */
  private readonly announced = new BoundedSet(20_000);
  /** When the current run of polling began. */
  private startedAt = Date.now();
  /** Polls made since start; tests and benchmarks read it. */
  polls = 0;
  /** How late the last poll started after it was due (metrics). */
  lagMs: number | null = null;
  private dueAt = 0;

  constructor(
    /** Polls read through the store, so every request meanwhile is answered from what they read. */
    private readonly store: DeviceStore,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly opts: Required<PollerOptions>,
    private readonly leadership: Leadership,
    private readonly listeners: ReadonlySet<PollListener> = new Set(),
  ) {}

  private get source(): Source {
    return this.store.source;
  }

  /** Someone listens and this replica is the one that polls. */
  get active(): boolean {
    return this.refs > 0 && this.leading;
  }

  /** Someone listens on this replica (whoever polls). */
  get wanted(): boolean {
    return this.refs > 0;
  }

  acquire(): () => void {
    this.refs += 1;
    if (this.refs === 1) this.unfollow = this.leadership.follow(this.source.id, (role) => this.onRole(role));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.refs -= 1;
      if (this.refs === 0) {
        this.unfollow?.();
        this.unfollow = null;
        this.stop();
      }
    };
  }

  /** How this replica takes part in polling the source now ('leader', 'follower' or alone while Redis is away). */
  get role(): Role | null {
    if (!this.wanted) return null;
    return this.leading ? (this.alone ? 'local' : 'leader') : 'follower';
  }

  private onRole(role: Role): void {
    if (role === 'follower') {
      const wasAlone = this.leading && this.alone;
      this.pause();
      // Back from working alone: what changed since the last own poll may have gone out through Redis before
      // this replica listened there again, so read once more for its own subscribers (repeats are dropped).
      void (wasAlone ? this.readAloneOnceMore() : this.seed());
      return;
    }
    this.alone = role === 'local';
    this.lead();
  }

  /**
   * A follower's starting point: the store's read of the fleet (usually another replica's, shared through
   * Redis: no upstream call), so taking over later diffs every device against what subscribers last saw.
   */
  private async seed(): Promise<void> {
    if (this.baseline) return;
    let devices: Device[];
    try {
      devices = (await this.store.fleet()).devices;
    } catch {
      return; // the first own poll, if any, is the starting point then
    }
    if (this.leading || this.baseline || !this.wanted) return;
    for (const d of devices) {
      if (this.last.has(d.vendorDeviceId)) continue;
      this.last.set(d.vendorDeviceId, d);
      if (d.latestSnapshot) this.announceSnapshot(d.latestSnapshot, d, true);
    }
    this.baseline = true;
  }

  private async readAloneOnceMore(): Promise<void> {
    await this.running;
    if (this.leading || !this.wanted) return;
    this.running = this.readOnce(true);
    await this.running;
    this.running = null;
  }

  /** This replica polls from now on, from the baseline it has, with the push feed if the source has one. */
  private lead(): void {
    if (this.leading) return;
    this.leading = true;
    this.tookUp = true;
    if (!this.baseline) this.startedAt = Date.now();
    this.schedule(0);
    this.unwatch = this.source.watch?.((e) => this.onPush(e)) ?? null;
  }

  /**
   * Another replica's news about this source, while this one does not poll it: the baseline follows what
   * subscribers were told.
   */
  observe<K extends 'deviceChanged' | 'recordingAdded' | 'snapshotAdded'>(topic: K, event: Topics[K]): void {
    if (this.leading || !this.wanted) return;
    if (topic === 'deviceChanged') {
      const device = (event as Topics['deviceChanged']).device;
      this.last.set(device.vendorDeviceId, device);
    } else if (topic === 'recordingAdded') {
      const r = (event as Topics['recordingAdded']).item;
      this.announced.add(`r:${r.deviceVendorId}/${r.vendorRecordingId}`);
    } else {
      const s = (event as Topics['snapshotAdded']).item;
      this.announced.add(`s:${s.deviceVendorId}/${s.vendorSnapshotId}`);
    }
  }

  /** Something changed upstream because of us: re-read soon so subscribers see it. */
  kick(): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(this.opts.kickDelayMs);
  }

  shutdown(): void {
    this.refs = 0;
    this.unfollow?.();
    this.unfollow = null;
    this.stop();
  }

  /** A push source's event: a change is read at once (the diff names it); a new recording goes straight out. */
  private onPush(e: SourceEvent): void {
    if (e.type === 'deviceChanged' || e.type === 'resync') return this.kick();
    const device = this.last.get(e.recording.deviceVendorId);
    if (device) this.announceRecording(e.recording, device, false, true);
    else {
      this.waiting.push(e.recording);
      this.kick();
    }
  }

  /** Another replica polls now: stop reading, keep the baseline. */
  private pause(): void {
    this.leading = false;
    this.alone = false;
    this.unwatch?.();
    this.unwatch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting = [];
    this.failures = 0;
  }

  /** Nobody listens any more: what was seen is no longer anyone's baseline. */
  private stop(): void {
    this.pause();
    this.baseline = false;
    this.last.clear();
  }

  private publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void {
    this.pubsub.publish(topic, payload, { localOnly: this.alone || this.closing });
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref?.();
  }

  private nextDelay(): number {
    // While a push feed is up, polling is only a safety net.
    const base = this.source.pollIntervalMs * (this.source.pushing?.() ? PUSH_SLOWDOWN : 1);
    if (this.failures > 0) return Math.min(this.opts.maxBackoffMs, base * 2 ** this.failures);
    const j = this.opts.jitter;
    return base * (1 - j + Math.random() * 2 * j);
  }

  private async poll(): Promise<void> {
    this.timer = null;
    this.lagMs = Math.max(0, Date.now() - this.dueAt);
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.readOnce();
    await this.running;
    this.running = null;
    if (!this.active) return;
    if (this.again) {
      this.again = false;
      this.schedule(this.opts.kickDelayMs);
    } else this.schedule(this.nextDelay());
  }

  /** `closing`: the last read after working alone, told to this replica's subscribers only. */
  private async readOnce(closing = false): Promise<void> {
    this.polls += 1;
    let devices: Device[];
    try {
      devices = (await this.store.refreshFleet()).devices;
      this.failures = 0;
    } catch (e) {
      this.failures += 1;
      this.log.warn({ source: this.source.id, failures: this.failures, err: (e as Error).message }, 'poll failed');
      if (this.mayTell(closing)) this.report(null, closing);
      return;
    }
    if (!this.mayTell(closing)) return;
    // no push feed or poll runs while a closing read does (the replica follows now): the flag is its alone
    this.closing = closing;
    try {
      await this.diff(devices);
    } finally {
      this.closing = false;
    }
    this.report(devices, closing);
  }

  /** A read's news may go out: a poll's while this replica polls, a closing read's while it follows. */
  private mayTell(closing: boolean): boolean {
    return closing ? !this.leading && this.wanted : this.active;
  }

  private report(devices: Device[] | null, closing: boolean): void {
    const localOnly = this.alone || closing;
    const first = this.tookUp && !closing;
    if (!closing) this.tookUp = false;
    const publish: PollReport['publish'] = (topic, payload) => this.pubsub.publish(topic, payload, { localOnly });
    for (const listener of this.listeners) listener({ source: this.source, devices, first, shared: !localOnly, publish });
  }

  /** What changed since the last read, published; the read becomes the baseline. */
  private async diff(devices: Device[]): Promise<void> {
    const now = new Date();
    const next = new Map(devices.map((d) => [d.vendorDeviceId, d]));
    const gains: Promise<void>[] = [];
    for (const [id, device] of next) {
      const before = this.last.get(id);
      if (!before && !this.baseline) {
        // The first read: whatever exists now, and was not told by another replica, is the starting point.
        gains.push(this.gained(device, device, true));
        if (device.latestSnapshot) this.announceSnapshot(device.latestSnapshot, device, true);
        continue;
      }
      if (before) gains.push(this.gained(before, device));
      const fields = before ? changedFields(before, device) : ['connection'];
      if (!fields.length) continue;
      this.publish('deviceChanged', { device, changedFields: fields, at: now });
      if (before) this.publishDerived(before, device, fields);
    }
    await Promise.all(gains);
    this.last = next;
    this.baseline = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const r of waiting) {
      const device = next.get(r.deviceVendorId);
      if (device) this.announceRecording(r, device, false, true);
    }
  }

  /** Older than this (the poller's start, less clock slack) is not news, whenever it is first seen. */
  private get newsSince(): number {
    return this.startedAt - 5_000;
  }

  /**
   * `silent` marks as known without telling anyone (what existed when listening began). Polled finds older
   * than the poller are not news; pushed ones (`pushed`) are news by definition.
   */
  private announceRecording(r: Recording, device: Device, silent = false, pushed = false): void {
    const fresh = !silent && (pushed || r.startedAt.getTime() >= this.newsSince);
    if (this.announced.add(`r:${r.deviceVendorId}/${r.vendorRecordingId}`) && fresh) this.publish('recordingAdded', { item: r, device });
  }

  private announceSnapshot(s: Snapshot, device: Device, silent = false): void {
    const fresh = !silent && (s.takenAt === null || s.takenAt.getTime() >= this.newsSince);
    if (this.announced.add(`s:${s.deviceVendorId}/${s.vendorSnapshotId}`) && fresh) this.publish('snapshotAdded', { item: s, device });
  }

  /** What the source says devices gained since the last poll (recordings, stored snapshots). */
  private async gained(before: Device, after: Device, silent = false): Promise<void> {
    if (!this.source.newSince) return;
    try {
      const found = await this.source.newSince(before, after);
      for (const r of found.recordings ?? []) this.announceRecording(r, after, silent);
      for (const s of found.snapshots ?? []) this.announceSnapshot(s, after, silent);
    } catch (e) {
      this.log.warn({ source: this.source.id, device: after.vendorDeviceId, err: (e as Error).message }, 'reading new recordings or snapshots failed');
    }
  }

  /** Stream and snapshot events follow from the device diff: no extra upstream call. */
  private publishDerived(before: Device, after: Device, fields: string[]): void {
    if (fields.includes('streams')) {
      const old = new Map(before.streams.map((s) => [s.vendorStreamId, s]));
      for (const s of after.streams) {
        if (JSON.stringify(old.get(s.vendorStreamId)) !== JSON.stringify(s)) this.publish('streamChanged', { item: s, device: after });
        old.delete(s.vendorStreamId);
      }
      // A stream that disappeared has stopped.
      for (const s of old.values()) this.publish('streamChanged', { item: { ...s, state: 'IDLE', health: null }, device: after });
    }
    const snap = after.latestSnapshot;
    if (fields.includes('latestSnapshot') && snap && snap.takenAt?.getTime() !== before.latestSnapshot?.takenAt?.getTime()) {
      this.announceSnapshot(snap, after);
    }
  }
}

/**
 * The pollers of every source, ref-counted by subscriptions; kicks reach whichever replica polls, and the news
 * of the replica that polls keeps the others' baselines current.
 */
export class PollerSet {
  private readonly pollers = new Map<string, SourcePoller>();
  private readonly feeds: (() => void)[] = [];
  private readonly listeners = new Set<PollListener>();

  constructor(
    stores: Iterable<DeviceStore>,
    private readonly pubsub: PubSub,
    log: Logger,
    opts: PollerOptions = {},
    leadership: Leadership = soloLeadership,
  ) {
    const full: Required<PollerOptions> = { maxBackoffMs: 60_000, kickDelayMs: 100, jitter: 0.1, ...opts };
    for (const s of stores) this.pollers.set(s.source.id, new SourcePoller(s, pubsub, log, full, leadership, this.listeners));
    this.listen('pollKick', (e) => this.pollers.get(e.sourceId)?.kick());
    this.listen('deviceChanged', (e) => this.pollers.get(e.device.sourceId)?.observe('deviceChanged', e));
    this.listen('recordingAdded', (e) => this.pollers.get(e.item.sourceId)?.observe('recordingAdded', e));
    this.listen('snapshotAdded', (e) => this.pollers.get(e.item.sourceId)?.observe('snapshotAdded', e));
  }

  private listen<K extends keyof Topics>(topic: K, handle: (event: Topics[K]) => void): void {
    this.feeds.push(onTopic(this.pubsub, topic, handle));
  }

  get(sourceId: string): SourcePoller | undefined {
    return this.pollers.get(sourceId);
  }

  /** Starts (or joins) the pollers of these sources; the returned function leaves them. */
  acquire(sourceIds: Iterable<string>): () => void {
    const releases = [...sourceIds].flatMap((id) => {
      const p = this.pollers.get(id);
      return p ? [p.acquire()] : [];
    });
    return () => releases.forEach((r) => r());
  }

  /** Calls `listener` after every poll this replica makes, failed or not; the returned function stops that. */
  onPolled(listener: PollListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** A mutation changed a source: whichever replica polls it reads it again now. */
  kick(sourceId: string): void {
    this.pubsub.publish('pollKick', { sourceId });
  }

  /** Shutdown: every poller stops, whoever still holds it. */
  stopAll(): void {
    for (const stop of this.feeds) stop();
    for (const p of this.pollers.values()) p.shutdown();
  }
}
