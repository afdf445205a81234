import { isFinal, queueFull, toRecord } from './records.js';
import type { DeliveryRecord, DeliveryStatus, EndpointConfig, EndpointHealth, EndpointRecord, Leased, WebhookStore } from './types.js';

/** Ids of deliveries already enqueued are remembered up to this many. */
const SEEN_LIMIT = 100_000;

interface Log {
  /** Every delivery of the endpoint, oldest first. */
  all: Set<string>;
  /** The settled ones (SUCCEEDED or DEAD), in the order they settled: the only ones trimmed. */
  done: Set<string>;
}

/** Endpoints and deliveries in this process: lost on restart (the README says so). */
export class MemoryWebhookStore implements WebhookStore {
  private readonly configs = new Map<string, EndpointConfig>();
  private readonly healths = new Map<string, EndpointHealth>();
  private readonly records = new Map<string, DeliveryRecord>();
  private readonly logs = new Map<string, Log>();
  private readonly seen = new Set<string>();
  private ready: string[] = [];
  private readonly retries = new Map<string, number>();
  private readonly leased = new Set<string>();

  constructor(
    private readonly logSize: number,
    private readonly maxPending: number,
  ) {}

  async saveEndpoint(endpoint: EndpointConfig, expected: number | null): Promise<'saved' | 'conflict' | 'gone'> {
    const current = this.configs.get(endpoint.id);
    if (expected === null) {
      if (current) return 'conflict';
    } else if (!current) return 'gone';
    else if (current.version !== expected) return 'conflict';
    this.configs.set(endpoint.id, { ...endpoint });
    return 'saved';
  }

  async setHealth(id: string, change: Partial<EndpointHealth>): Promise<void> {
    if (!this.configs.has(id)) return;
    this.healths.set(id, { ...this.health(id), ...change });
  }

  async markFailing(id: string, since: number): Promise<void> {
    if (this.configs.has(id) && this.health(id).failingSince === null) await this.setHealth(id, { failingSince: since });
  }

  private health(id: string): EndpointHealth {
    return this.healths.get(id) ?? { failingSince: null, disabledReason: null };
  }

  async removeEndpoint(id: string): Promise<boolean> {
    for (const d of this.logs.get(id)?.all ?? []) this.records.delete(d);
    this.logs.delete(id);
    this.healths.delete(id);
    return this.configs.delete(id);
  }

  async endpoint(id: string): Promise<EndpointRecord | null> {
    const c = this.configs.get(id);
    return c ? this.record(c) : null;
  }

  async endpoints(): Promise<EndpointRecord[]> {
    return [...this.configs.values()].map((c) => this.record(c));
  }

  private record(c: EndpointConfig): EndpointRecord {
    return toRecord(c, this.health(c.id));
  }

  async enqueue(deliveries: DeliveryRecord[]): Promise<{ queued: DeliveryRecord[]; full: DeliveryRecord[] }> {
    const queued: DeliveryRecord[] = [];
    const full: DeliveryRecord[] = [];
    for (const d of deliveries) {
      if (this.seen.has(d.id) || !this.configs.has(d.endpointId)) continue;
      this.seen.add(d.id);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
      const log = this.logs.get(d.endpointId) ?? { all: new Set<string>(), done: new Set<string>() };
      this.logs.set(d.endpointId, log);
      let record = d;
      if (d.status === 'PENDING' && log.all.size - log.done.size >= this.maxPending) {
        record = queueFull(d);
        full.push(record);
      }
      this.records.set(d.id, { ...record });
      log.all.add(d.id);
      if (record.status === 'PENDING') {
        this.ready.push(d.id);
        queued.push(d);
      } else log.done.add(d.id);
      for (const old of log.done) {
        if (log.done.size <= this.logSize) break;
        log.done.delete(old);
        log.all.delete(old);
        this.records.delete(old);
      }
    }
    return { queued, full };
  }

  /**
   * The first `max` ready deliveries not already taken, in order; retries that are due join the end of the ready
   * ones as needed (as in Redis, at most as many as are wanted: the others join on a later take).
   */
  async take(max: number): Promise<Leased[]> {
    const out: Leased[] = [];
    /** Scanned ids that stay ready (taken ones still leased, e.g. redelivered while in flight). */
    const kept: string[] = [];
    let i = 0;
    const scan = () => {
      for (; i < this.ready.length && out.length < max; i++) {
        const id = this.ready[i]!;
        const record = this.records.get(id);
        if (!record) continue;
        if (this.leased.has(id)) kept.push(id);
        else {
          this.leased.add(id);
          out.push({ record: { ...record }, ticket: id });
        }
      }
    };
    scan();
    if (out.length < max) {
      const now = Date.now();
      for (const [id, due] of this.retries) {
        if (out.length >= max) break;
        if (due > now) continue;
        this.retries.delete(id);
        this.ready.push(id);
        scan();
      }
    }
    this.ready.splice(0, i, ...kept);
    return out;
  }

  async settle(lease: Leased, record: DeliveryRecord, retryAt: number | null): Promise<void> {
    this.leased.delete(lease.ticket);
    if (!this.records.has(record.id)) return;
    this.records.set(record.id, { ...record });
    if (retryAt !== null) this.retries.set(record.id, retryAt);
    if (isFinal(record.status)) this.logs.get(record.endpointId)?.done.add(record.id);
  }

  async discard(lease: Leased): Promise<void> {
    this.leased.delete(lease.ticket);
    this.records.delete(lease.record.id);
  }

  async requeue(record: DeliveryRecord): Promise<void> {
    if (!this.records.has(record.id)) return;
    this.records.set(record.id, { ...record });
    this.retries.delete(record.id);
    this.logs.get(record.endpointId)?.done.delete(record.id);
    if (!this.ready.includes(record.id)) this.ready.push(record.id);
  }

  async delivery(id: string): Promise<DeliveryRecord | null> {
    const r = this.records.get(id);
    return r ? { ...r } : null;
  }

  async deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    const ids = [...(this.logs.get(endpointId)?.all ?? [])];
    for (let i = ids.length - 1; i >= 0 && out.length < first; i--) {
      const r = this.records.get(ids[i]!);
      if (r && (!status || r.status === status)) out.push({ ...r });
    }
    return out;
  }

  async close(): Promise<void> {}
}
