import { randomUUID } from 'node:crypto';
import type { AvgraphConfig } from '../config.js';
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
}

export interface CommandTarget {
  sourceId: string;
  vendorDeviceId: string;
  command: DeviceCommand;
  /** The device as read just before the command goes out. */
  before: Device | null;
}

const deviceKey = (sourceId: string, vendorDeviceId: string) => `${sourceId}\u0000${vendorDeviceId}`;

/**
 * Every device command's life after the vendor's reply: a cloud that queues tasks answers 200 before the device
 * has done anything, so a command is PENDING until a read of the device shows its effect. The replica that sent it
 * watches it: it reads the device again every checkIntervalMs and looks at every read the stores announce (its own,
 * pollers', other replicas'), until the effect shows or the deadline passes. Records travel to every replica on the
 * commandChanged topic, and each replica keeps the recent ones in memory for queries; with Redis, the sending
 * replica also stores them there, for replicas that were not listening then.
 */
export class CommandTracker {
  /** Issue order (a record that changes keeps its place). */
  private readonly records = new Map<string, CommandRecord>();
  private readonly watches = new Map<string, Watch>();
  /** Devices being read again for their pending commands: one read per device at a time. */
  private readonly reading = new Set<string>();
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
  async run<R extends CommandResult>(target: CommandTarget, execute: () => Promise<R>): Promise<{ result: R; command: CommandRecord }> {
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
    try {
      this.put(record);
      result = await execute();
    } catch (e) {
      this.finish(record.id, 'FAILED', commandError(e));
      throw e;
    }
    if (!record.observable) this.finish(record.id, 'CONFIRMED');
    else {
      this.watches.set(record.id, { id: record.id, command: target.command, before: target.before, result });
      this.timer ??= setInterval(() => this.tick(), this.config.checkIntervalMs).unref();
    }
    return { result, command: this.get(record.id) ?? record };
  }

  /** A read of a device (null: it is gone) that began at `readAt` (default its observedAt): judged for each pending command. */
  observe(sourceId: string, vendorDeviceId: string, device: Device | null, readAt: Date | undefined = device?.observedAt): void {
    for (const w of this.watches.values()) {
      const r = this.records.get(w.id);
      if (!r || r.sourceId !== sourceId || r.deviceVendorId !== vendorDeviceId) continue;
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
    const stored = here && isFinished(here.state) ? null : await this.archive?.get(id);
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
    const grace = 3 * this.config.checkIntervalMs + 1_000;
    if (r.state !== 'PENDING' || this.watches.has(r.id) || Date.now() < r.deadline.getTime() + grace) return r;
    return { ...r, state: 'TIMED_OUT', finishedAt: r.deadline, error: timedOut(r) };
  }

  /** Reads the devices of pending commands again, and times out those past their deadline. */
  private tick(): void {
    const now = Date.now();
    const due = new Map<string, { sourceId: string; vendorDeviceId: string }>();
    for (const w of this.watches.values()) {
      const r = this.records.get(w.id);
      if (!r) {
        this.watches.delete(w.id);
        continue;
      }
      if (now >= r.deadline.getTime()) this.finish(r.id, 'TIMED_OUT', timedOut(r));
      else due.set(deviceKey(r.sourceId, r.deviceVendorId), { sourceId: r.sourceId, vendorDeviceId: r.deviceVendorId });
    }
    if (!this.watches.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    for (const [key, d] of due) {
      const store = this.stores.get(d.sourceId);
      if (!store || this.reading.has(key)) continue;
      this.reading.add(key);
      // the store announces the read (deviceRead), which observe() judges: here, and on every replica
      store
        .refreshDevice(d.vendorDeviceId)
        .then((device) => this.observe(d.sourceId, d.vendorDeviceId, device))
        .catch((e: unknown) => this.log.debug({ source: d.sourceId, err: (e as Error).message }, 'pending command: device read failed'))
        .finally(() => this.reading.delete(key));
    }
  }

  private finish(id: string, state: 'CONFIRMED' | 'FAILED' | 'TIMED_OUT', error: CommandRecord['error'] = null): void {
    const r = this.records.get(id);
    this.watches.delete(id);
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
    if (current && isFinished(current.state) && !isFinished(r.state)) return;
    if (current && isFinished(current.state) && isFinished(r.state)) return;
    this.records.set(r.id, r);
    this.prune();
  }

  /** Finished records go after retentionMs; beyond maxRecords the oldest go whatever their state. */
  private prune(): void {
    const old = Date.now() - this.config.retentionMs;
    for (const [id, r] of this.records) {
      const expired = !!r.finishedAt && r.finishedAt.getTime() < old;
      if (!expired && this.records.size <= this.config.maxRecords) continue;
      this.records.delete(id);
      this.watches.delete(id);
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

function timedOut(r: CommandRecord): CommandRecord['error'] {
  const seconds = Math.round((r.deadline.getTime() - r.issuedAt.getTime()) / 100) / 10;
  return { message: `no read of the device showed the command's effect within ${seconds}s`, code: 'TIMED_OUT' };
}
