import { randomUUID } from 'node:crypto';
import { bulkhead } from 'cockatiel';
import type { AvgraphConfig } from '../config.js';
import { localId } from '../ids.js';
import type { Logger } from '../log.js';
import type { Device, DeviceCommand } from '../model.js';
import type { CommandResult } from '../sources/source.js';
import type { DeviceStore } from '../store/device-store.js';
import { onTopic, type PubSub, type Topics } from '../subscriptions/pubsub.js';
import type { RedisCommandArchive } from './archive.js';
import { confirms, observable, type Issued } from './confirm.js';
import { commandError, DEFAULT_DEADLINE_MS, isFinished, matchesCommand, type CommandFilter, type CommandRecord } from './record.js';

export type CommandsConfig = AvgraphConfig['commands'];

/** A command this replica sent and watches until it is confirmed or its deadline passes. */
interface Watch extends Issued {
  id: string;
  /** Its device, as localId. */
  device: string;
}

/** A command about to go out, and the device it goes to. */
export interface OutgoingCommand {
  sourceId: string;
  vendorDeviceId: string;
  command: DeviceCommand;
  /** The device as read just before the command goes out. */
  before: Device | null;
}

/**
 * Every device command's life after the vendor's reply: a cloud that queues tasks answers 200 before the device
 * has done anything, so a command is PENDING until a read of the device shows its effect. The replica that sent it
 * watches it: every checkIntervalMs it reads the devices of its pending commands again (one fleet read per source
 * that lists its fleet in one call, a few device reads at a time where it is read device by device), and it looks
 * at every read the stores announce (its own, pollers', other replicas'), until the effect shows or the deadline
 * passes. Records travel to every replica on the commandChanged topic, and each replica keeps the recent ones in
 * memory for queries; with Redis, the sending replica also stores them there, for replicas that were not listening
 * then. A command whose watching replica went away is timed out by one of the replicas that heard of it.
 */
export class CommandTracker {
  /** Issue order (a record that changes keeps its place). */
  private readonly records = new Map<string, CommandRecord>();
  private readonly watches = new Map<string, Watch>();
  /** Ids of the watched commands of each device (localId): a read is judged against its device's commands only. */
  private readonly byDevice = new Map<string, Set<string>>();
  /** Sources being read again for their pending commands: one round per source at a time. */
  private readonly reading = new Set<string>();
  /** Commands this replica is sending (not yet watched, but not orphans either). */
  private readonly sending = new Set<string>();
  /** Orphaned commands this replica is trying to time out. */
  private readonly claiming = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly config: CommandsConfig,
    private readonly stores: Map<string, DeviceStore>,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly archive: RedisCommandArchive | null = null,
  ) {
    this.follow('commandChanged', (r) => this.remember(r));
    // a null device there may be a store forgetting it after an unpair, not a read: only reads here judge unpairs
    this.follow('deviceRead', (e) => e.device && this.observe(e.sourceId, e.vendorDeviceId, e.device, e.at));
    this.follow('deviceChanged', (e) => this.observe(e.device.sourceId, e.device.vendorDeviceId, e.device));
  }

  /**
   * Sends a command through `execute` and tracks it: PENDING before it goes out, FAILED if the vendor refuses it
   * (the error is thrown on), else CONFIRMED at once where no read can show its effect, else watched.
   */
  async run<R extends CommandResult>(target: OutgoingCommand, execute: () => Promise<R>): Promise<{ result: R; command: CommandRecord }> {
    const now = new Date();
    const kind = target.command.type;
    const record: CommandRecord = {
      id: randomUUID(),
      sourceId: target.sourceId,
      deviceVendorId: target.vendorDeviceId,
      kind,
      state: 'PENDING',
      issuedAt: now,
      confirmedAt: null,
      finishedAt: null,
      deadline: new Date(now.getTime() + (this.config.deadlineMs[kind] ?? DEFAULT_DEADLINE_MS[kind])),
      observable: observable(target),
      error: null,
    };
    let result: R;
    this.sending.add(record.id);
    try {
      this.put(record);
      result = await execute();
    } catch (e) {
      this.finish(record.id, 'FAILED', commandError(e));
      throw e;
    } finally {
      this.sending.delete(record.id);
    }
    if (!record.observable) this.finish(record.id, 'CONFIRMED');
    else this.watch({ id: record.id, device: localId(record.sourceId, record.deviceVendorId), command: target.command, before: target.before, result });
    return { result, command: this.get(record.id) ?? record };
  }

  /** A read of a device (null: it is gone) that began at `readAt` (default its observedAt): judged for each pending command. */
  observe(sourceId: string, vendorDeviceId: string, device: Device | null, readAt: Date | undefined = device?.observedAt): void {
    const ids = this.byDevice.get(localId(sourceId, vendorDeviceId));
    if (!ids) return;
    for (const id of [...ids]) {
      const w = this.watches.get(id);
      const r = this.records.get(id);
      if (!w || !r) continue;
      // a read that began before the command went out says nothing about it
      if (readAt && readAt < r.issuedAt) continue;
      if (confirms(w, device)) this.finish(r.id, 'CONFIRMED');
    }
  }

  /** A command as this replica knows it; one whose watching replica went away is TIMED_OUT once its deadline is well past. */
  get(id: string): CommandRecord | null {
    const r = this.records.get(id);
    return r ? this.view(r) : null;
  }

  /** A command as any replica knows it (through Redis where configured). */
  async lookup(id: string): Promise<CommandRecord | null> {
    const here = this.records.get(id);
    // a finished copy is final, and one this replica sends or watches is the newest there is
    const stored = here && (isFinished(here.state) || this.ours(id)) ? null : await this.archive?.get(id);
    const r = newer(here, stored ?? undefined);
    return r ? this.view(r) : null;
  }

  /** Newest first: this replica's records, and with Redis every replica's. */
  async list(filter?: CommandFilter | null): Promise<CommandRecord[]> {
    const all = new Map(this.records);
    for (const r of (await this.archive?.list()) ?? []) all.set(r.id, newer(all.get(r.id), r)!);
    const out: CommandRecord[] = [];
    for (const r of all.values()) {
      const v = this.view(r);
      if (matchesCommand(v, filter)) out.push(v);
    }
    return out.sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime()).slice(0, this.config.maxRecords);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stops.forEach((s) => s());
  }

  private view(r: CommandRecord): CommandRecord {
    if (r.state !== 'PENDING' || this.ours(r.id) || Date.now() < r.deadline.getTime() + this.grace()) return r;
    return orphanTimedOut(r);
  }

  /** Whether this replica sends or watches the command. */
  private ours(id: string): boolean {
    return this.watches.has(id) || this.sending.has(id);
  }

  /** How long past its deadline a command another replica watches may stay PENDING before that replica counts as gone. */
  private grace(): number {
    return 3 * this.config.checkIntervalMs + 1_000;
  }

  private watch(w: Watch): void {
    this.watches.set(w.id, w);
    const ids = this.byDevice.get(w.device);
    if (ids) ids.add(w.id);
    else this.byDevice.set(w.device, new Set([w.id]));
    this.wake();
  }

  private unwatch(id: string): void {
    const w = this.watches.get(id);
    if (!w) return;
    this.watches.delete(id);
    const ids = this.byDevice.get(w.device);
    ids?.delete(id);
    if (ids && !ids.size) this.byDevice.delete(w.device);
  }

  /** The timer runs while any command is PENDING: watched here, or watched by a replica that may go away. */
  private wake(): void {
    this.timer ??= setInterval(() => this.tick(), this.config.checkIntervalMs).unref();
  }

  /** Times out the watched commands past their deadline and the orphans, and reads the devices of the others again. */
  private tick(): void {
    const now = Date.now();
    const due = new Map<string, Set<string>>();
    for (const w of [...this.watches.values()]) {
      const r = this.records.get(w.id);
      if (!r) this.unwatch(w.id);
      else if (now >= r.deadline.getTime()) this.finish(r.id, 'TIMED_OUT', timedOut(r));
      else {
        const ids = due.get(r.sourceId);
        if (ids) ids.add(r.deviceVendorId);
        else due.set(r.sourceId, new Set([r.deviceVendorId]));
      }
    }
    let pending = this.watches.size > 0;
    for (const r of this.records.values()) {
      if (r.state !== 'PENDING' || this.ours(r.id)) continue;
      pending = true;
      if (now >= r.deadline.getTime() + this.grace()) this.timeOutOrphan(r);
    }
    if (!pending && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    for (const [sourceId, ids] of due) void this.readAgain(sourceId, [...ids]);
  }

  /**
   * Reads a source's devices with pending commands again, without flooding it: a source that lists its fleet in
   * one call is read once (a device missing from a complete listing counts as gone); one read device by device,
   * readConcurrency devices at a time. Not announced to other replicas: they watch none of these.
   */
  /** Reads no older than a check interval: a poll (or any read) since the last check serves, with no read of our own. */
  private async readAgain(sourceId: string, vendorDeviceIds: string[]): Promise<void> {
    const store = this.stores.get(sourceId);
    if (!store || this.reading.has(sourceId)) return;
    this.reading.add(sourceId);
    const one = async (id: string) => {
      const device = await store.device(id, this.config.checkIntervalMs);
      this.observe(sourceId, id, device);
    };
    try {
      if (store.source.reads !== 'per-device') {
        const at = new Date();
        const read = await store.fleet(this.config.checkIntervalMs);
        const listed = new Map(read.devices.map((d) => [d.vendorDeviceId, d]));
        for (const id of vendorDeviceIds) {
          const d = listed.get(id);
          // missing from a complete listing: gone (a null read confirms only an unpair); a device read would list the fleet again
          if (d) this.observe(sourceId, id, d);
          else if (!read.failures.length) this.observe(sourceId, id, null, at);
        }
        return;
      }
      const limit = bulkhead(this.config.readConcurrency, Infinity);
      const reads = await Promise.allSettled(vendorDeviceIds.map((id) => limit.execute(() => one(id))));
      const failed = reads.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (e) {
      this.log.debug({ source: sourceId, err: (e as Error).message }, 'pending commands: device read failed');
    } finally {
      this.reading.delete(sourceId);
    }
  }

  /**
   * A command PENDING well past its deadline that no replica here watches: its watching replica went away, so
   * nobody would tell subscribers it ended. One replica (the one that claims it in Redis) announces it TIMED_OUT.
   */
  private timeOutOrphan(r: CommandRecord): void {
    if (this.claiming.has(r.id)) return;
    this.claiming.add(r.id);
    const claimed = this.archive ? this.archive.claim(r.id, this.grace()) : Promise.resolve(true);
    void claimed
      .then((won) => {
        const current = this.records.get(r.id);
        if (won && current?.state === 'PENDING') this.put(orphanTimedOut(current));
      })
      .catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'pending commands: an orphan could not be timed out'))
      .finally(() => this.claiming.delete(r.id));
  }

  private finish(id: string, state: 'CONFIRMED' | 'FAILED' | 'TIMED_OUT', error: CommandRecord['error'] = null): void {
    const r = this.records.get(id);
    this.unwatch(id);
    if (!r || isFinished(r.state)) return;
    const at = new Date();
    this.put({ ...r, state, finishedAt: at, confirmedAt: state === 'CONFIRMED' ? at : null, error });
  }

  /** Keeps a record here and tells every replica (this one included, through the topic). */
  private put(r: CommandRecord): void {
    this.remember(r);
    this.archive?.save(r);
    this.pubsub.publish('commandChanged', r);
  }

  /** Keeps a record, never going back from a finished state (events may arrive out of order). */
  private remember(r: CommandRecord): void {
    const current = this.records.get(r.id);
    if (current && isFinished(current.state)) return;
    this.records.set(r.id, r);
    if (r.state === 'PENDING') this.wake();
    this.prune();
  }

  /**
   * Finished records go after retentionMs. Beyond maxRecords the oldest finished go first, then the oldest
   * pending ones other replicas watch (Redis keeps those); a command watched here is never dropped, or it would
   * stay PENDING for good.
   */
  private prune(): void {
    const old = Date.now() - this.config.retentionMs;
    for (const [id, r] of this.records) if (r.finishedAt && r.finishedAt.getTime() < old) this.records.delete(id);
    let excess = this.records.size - this.config.maxRecords;
    for (const droppable of [(r: CommandRecord) => isFinished(r.state), (r: CommandRecord) => !this.ours(r.id)]) {
      for (const [id, r] of this.records) {
        if (excess <= 0) return;
        if (!droppable(r)) continue;
        this.records.delete(id);
        excess--;
      }
    }
  }

  private follow<K extends keyof Topics>(topic: K, on: (e: Topics[K]) => void): void {
    this.stops.push(onTopic(this.pubsub, topic, on, (e) => this.log.warn({ err: (e as Error).message, topic }, 'command tracking: event not handled')));
  }
}

/** Of two copies of a record, the one further along (a finished state is never undone). */
function newer(a: CommandRecord | undefined, b: CommandRecord | undefined): CommandRecord | undefined {
  if (!a || !b) return a ?? b;
  return isFinished(b.state) && !isFinished(a.state) ? b : a;
}

/** A command whose watching replica went away, ended as of its deadline. */
function orphanTimedOut(r: CommandRecord): CommandRecord {
  return { ...r, state: 'TIMED_OUT', finishedAt: r.deadline, error: timedOut(r) };
}

function timedOut(r: CommandRecord): CommandRecord['error'] {
  const seconds = Math.round((r.deadline.getTime() - r.issuedAt.getTime()) / 100) / 10;
  return { message: `no read of the device showed the command's effect within ${seconds}s`, code: 'TIMED_OUT' };
}
