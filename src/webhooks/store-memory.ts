import type { DeliveryRecord, DeliveryStatus, EndpointRecord, Leased, WebhookStore } from './types.js';

/** Ids of deliveries already enqueued are remembered up to this many. */
const SEEN_LIMIT = 100_000;

/** Endpoints and deliveries in this process: lost on restart (the README says so). */
export class MemoryWebhookStore implements WebhookStore {
  private readonly endpointsById = new Map<string, EndpointRecord>();
  private readonly records = new Map<string, DeliveryRecord>();
  /** Delivery ids of each endpoint, oldest first, at most `logSize`. */
  private readonly logs = new Map<string, string[]>();
  private readonly seen = new Set<string>();
  private ready: string[] = [];
  private readonly retries = new Map<string, number>();
  private readonly leased = new Set<string>();

  constructor(private readonly logSize: number) {}

  async saveEndpoint(endpoint: EndpointRecord): Promise<void> {
    this.endpointsById.set(endpoint.id, { ...endpoint });
  }

  async removeEndpoint(id: string): Promise<boolean> {
    for (const d of this.logs.get(id) ?? []) this.records.delete(d);
    this.logs.delete(id);
    return this.endpointsById.delete(id);
  }

  async endpoint(id: string): Promise<EndpointRecord | null> {
    const e = this.endpointsById.get(id);
    return e ? { ...e } : null;
  }

  async endpoints(): Promise<EndpointRecord[]> {
    return [...this.endpointsById.values()].map((e) => ({ ...e }));
  }

  async enqueue(deliveries: DeliveryRecord[]): Promise<DeliveryRecord[]> {
    const queued = deliveries.filter((d) => !this.seen.has(d.id));
    for (const d of queued) {
      this.seen.add(d.id);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
      this.records.set(d.id, { ...d });
      const log = this.logs.get(d.endpointId) ?? [];
      log.push(d.id);
      for (const old of log.splice(0, Math.max(0, log.length - this.logSize))) this.records.delete(old);
      this.logs.set(d.endpointId, log);
      this.ready.push(d.id);
    }
    return queued;
  }

  async take(max: number): Promise<Leased[]> {
    const now = Date.now();
    for (const [id, due] of this.retries) {
      if (due > now) continue;
      this.retries.delete(id);
      this.ready.push(id);
    }
    const out: Leased[] = [];
    const rest: string[] = [];
    for (const id of this.ready) {
      const record = this.records.get(id);
      if (!record) continue;
      if (out.length >= max || this.leased.has(id)) rest.push(id);
      else {
        this.leased.add(id);
        out.push({ record: { ...record }, ticket: id });
      }
    }
    this.ready = rest;
    return out;
  }

  async settle(lease: Leased, record: DeliveryRecord, retryAt: number | null): Promise<void> {
    this.leased.delete(lease.ticket);
    if (!this.records.has(record.id)) return;
    this.records.set(record.id, { ...record });
    if (retryAt !== null) this.retries.set(record.id, retryAt);
  }

  async requeue(record: DeliveryRecord): Promise<void> {
    if (!this.records.has(record.id)) return;
    this.records.set(record.id, { ...record });
    this.retries.delete(record.id);
    if (!this.ready.includes(record.id)) this.ready.push(record.id);
  }

  async delivery(id: string): Promise<DeliveryRecord | null> {
    const r = this.records.get(id);
    return r ? { ...r } : null;
  }

  async deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    const log = this.logs.get(endpointId) ?? [];
    for (let i = log.length - 1; i >= 0 && out.length < first; i--) {
      const r = this.records.get(log[i]!);
      if (r && (!status || r.status === status)) out.push({ ...r });
    }
    return out;
  }

  async close(): Promise<void> {}
}
