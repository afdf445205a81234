import { randomBytes } from 'node:crypto';
import type { AvgraphConfig } from '../config.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { matchesFilter, sourcesFor, type DeviceFilter } from '../filter.js';
import type { Logger } from '../log.js';
import { learnSecret } from '../secrets.js';
import type { Source } from '../sources/source.js';
import type { DeviceStore } from '../store/device-store.js';
import type { PollerSet } from '../subscriptions/poller.js';
import { onTopic, type PubSub, type Topics } from '../subscriptions/pubsub.js';
import { deliveryId, EVENT_TYPES, eventId, type EventSubject, type WebhookEventType } from './events.js';
import { WebhookSender } from './sender.js';
import { toRecord } from './records.js';
import { newSecret, signedHeaders } from './signature.js';
import type { DeliveryRecord, DeliveryStatus, EndpointConfig, EndpointRecord, Leased, WebhookStore } from './types.js';
import { UrlGuard } from './url-guard.js';

export type WebhooksConfig = AvgraphConfig['webhooks'];

export interface EndpointInput {
  url: string;
  eventTypes: string[];
  filter: DeviceFilter | null;
  enabled: boolean;
  description: string | null;
}

export interface WebhookServiceDeps {
  config: WebhooksConfig;
  store: WebhookStore;
  pubsub: PubSub;
  pollers: PollerSet;
  sources: Map<string, Source>;
  /** Devices of events that name one by id (commands), as last read: watched, never read for this. */
  stores: Map<string, DeviceStore>;
  log: Logger;
  /** Whether the store is shared with other replicas (Redis): only then can endpoints change behind this one's back. */
  shared: boolean;
}

const MAX_URL = 2048;
const MAX_DESCRIPTION = 500;
/** An admin change that keeps meeting concurrent ones is given up after this many tries. */
const SAVE_TRIES = 5;
/** The shortest wait of a delivery put back for its endpoint's turn. */
const MIN_PACE_MS = 5;
/** A full endpoint queue is warned about at most this often. */
const FULL_WARN_MS = 60_000;

/** The config part of an endpoint (what an admin sets), without what deliveries learnt. */
const configOf = ({ failingSince: _f, disabledReason: _d, ...config }: EndpointRecord): EndpointConfig => config;

/**
 * Outbound webhooks: turns pub/sub events into signed deliveries for the endpoints that want them, and delivers
 * them at least once, with retries on a schedule, until they succeed, run out of retries, or their endpoint is
 * disabled for failing too long. Keeps the pollers of the sources endpoints watch running while any is enabled.
 */
export class WebhookService {
  private readonly store: WebhookStore;
  private readonly config: WebhooksConfig;
  private readonly log: Logger;
  private readonly guard: UrlGuard;
  private readonly sender: WebhookSender;
  private endpointsCache: EndpointRecord[] = [];
  private polled = '';
  private releasePollers: (() => void) | null = null;
  private readonly feeds: (() => void)[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly refreshTimer: NodeJS.Timeout | null = null;
  private working = false;
  private again = false;
  private inFlight = 0;
  private readonly inFlightByEndpoint = new Map<string, number>();
  /** Taken deliveries waiting here for their endpoint's next free slot (at most its share each, `concurrency` in all). */
  private readonly held = new Map<string, Leased[]>();
  private heldCount = 0;
  /** How long an attempt at each endpoint took lately (moving average, ms): the pace its excess waits at. */
  private readonly attemptMs = new Map<string, number>();
  private readonly fullWarnedAt = new Map<string, number>();
  private closed = false;
  /** Whether the store took the last event, and answered the last look at the queue (outages are logged once). */
  private recording = true;
  private queueUp = true;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.store = deps.store;
    this.config = deps.config;
    this.log = deps.log;
    this.guard = new UrlGuard(deps.config);
    this.sender = new WebhookSender(this.guard, { timeoutMs: deps.config.timeoutMs, maxResponseBytes: deps.config.maxResponseBytes });
    for (const t of EVENT_TYPES) this.listen(t);
    void this.refresh();
    // alone, every endpoint change goes through here (and refreshes): only other replicas' changes need looking for
    if (deps.shared) {
      this.refreshTimer = setInterval(() => void this.refresh(), deps.config.refreshMs);
      this.refreshTimer.unref?.();
    }
    this.schedule(0);
  }

  // ---- endpoints (the GraphQL API; callers check the admin scope) ----

  async endpoints(): Promise<EndpointRecord[]> {
    return (await this.store.endpoints()).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async create(input: EndpointInput): Promise<{ endpoint: EndpointRecord; secret: string }> {
    await this.checkInput(input);
    const config: EndpointConfig = {
      id: `ep_${randomBytes(12).toString('base64url')}`,
      url: input.url,
      eventTypes: [...new Set(input.eventTypes)],
      filter: input.filter,
      enabled: input.enabled,
      description: input.description,
      secret: newSecret(),
      createdAt: Date.now(),
      version: 1,
    };
    await this.store.saveEndpoint(config, null);
    await this.refresh();
    return { endpoint: { ...config, failingSince: null, disabledReason: null }, secret: config.secret };
  }

  async update(id: string, patch: Partial<EndpointInput>): Promise<EndpointRecord> {
    const endpoint = await this.change(id, async (current) => {
      const next: EndpointInput = {
        url: patch.url ?? current.url,
        eventTypes: patch.eventTypes ?? current.eventTypes,
        filter: patch.filter === undefined ? current.filter : patch.filter,
        enabled: patch.enabled ?? current.enabled,
        description: patch.description === undefined ? current.description : patch.description,
      };
      await this.checkInput(next);
      return { ...configOf(current), ...next, eventTypes: [...new Set(next.eventTypes)] };
    });
    // enabled (again) by hand: avgraph's disabling and the failures so far no longer count
    if (patch.enabled === true && (endpoint.disabledReason !== null || endpoint.failingSince !== null)) {
      await this.store.setHealth(id, { failingSince: null, disabledReason: null });
    }
    await this.refresh();
    return this.mustFind(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.removeEndpoint(id))) throw new NotFoundError('no such webhook endpoint');
    await this.refresh();
  }

  /** A new secret, returned this once; deliveries from now on are signed with it. */
  async rotateSecret(id: string): Promise<{ endpoint: EndpointRecord; secret: string }> {
    const secret = newSecret();
    learnSecret(secret);
    const endpoint = await this.change(id, async (current) => ({ ...configOf(current), secret }));
    return { endpoint, secret };
  }

  /**
   * Applies an admin change to the endpoint as stored now, saved only if nobody changed it meanwhile (else made
   * again from the newer state); a change never brings back a deleted endpoint.
   */
  private async change(id: string, make: (current: EndpointRecord) => Promise<EndpointConfig>): Promise<EndpointRecord> {
    for (let i = 0; i < SAVE_TRIES; i++) {
      const current = await this.mustFind(id);
      const next = await make(current);
      const config = { ...next, version: current.version + 1 };
      const saved = await this.store.saveEndpoint(config, current.version);
      if (saved === 'gone') throw new NotFoundError('no such webhook endpoint');
      if (saved === 'saved') return toRecord(config, { failingSince: current.failingSince, disabledReason: current.disabledReason });
    }
    throw new ValidationError('the endpoint was changed by someone else at the same time: try again', 'id');
  }

  deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]> {
    return this.store.deliveries(endpointId, Math.max(0, Math.min(first, this.config.logSize)), status);
  }

  /** Sends a delivery again now, whatever became of it (same webhook-id: receivers dedupe). */
  async redeliver(id: string): Promise<DeliveryRecord> {
    const record = await this.store.delivery(id);
    if (!record) throw new NotFoundError('no such webhook delivery');
    const endpoint = await this.mustFind(record.endpointId);
    if (!endpoint.enabled) throw new ValidationError('the endpoint is disabled: enable it first', 'deliveryId');
    if (!record.body) throw new ValidationError('this event was too large to send', 'deliveryId');
    const next: DeliveryRecord = { ...record, status: 'PENDING', nextAttemptAt: null };
    await this.store.requeue(next);
    this.wake();
    return next;
  }

  // ---- events in ----

  private listen<K extends keyof Topics>(t: WebhookEventType<K>): void {
    const record = async (event: Topics[K]) => {
      await this.onEvent(t, event);
      this.recording = true;
    };
    this.feeds.push(
      onTopic(this.deps.pubsub, t.topic, record, (e) => {
        // without Redis reachable an event cannot be recorded durably: said in the README; told once per outage
        if (this.recording) this.log.warn({ topic: t.topic, err: (e as Error).message }, 'webhook events not recorded until the store answers again');
        this.recording = false;
      }),
    );
  }

  private async onEvent<K extends keyof Topics>(t: WebhookEventType<K>, event: Topics[K]): Promise<void> {
    if (this.closed) return;
    const wanting = this.endpointsCache.filter((e) => e.enabled && e.eventTypes.includes(t.name));
    if (!wanting.length) return;
    const about = this.resolve(t.subject(event));
    if (!about) return;
    const targets = wanting.filter((e) => this.matches(e.filter, about));
    if (!targets.length) return;
    const id = eventId(t.topic, event);
    const body = JSON.stringify({ type: t.type, timestamp: (t.at?.(event) ?? new Date()).toISOString(), data: t.data(event) });
    const tooLarge = Buffer.byteLength(body) > this.config.maxBodyBytes;
    const now = Date.now();
    const records = targets.map<DeliveryRecord>((e) => ({
      id: deliveryId(id, e.id),
      endpointId: e.id,
      eventId: id,
      eventType: t.name,
      body: tooLarge ? '' : body,
      status: tooLarge ? 'DEAD' : 'PENDING',
      attempts: 0,
      lastResponseCode: null,
      lastError: tooLarge ? `message larger than ${this.config.maxBodyBytes} bytes: not sent` : null,
      nextAttemptAt: null,
      createdAt: now,
    }));
    const { queued, full } = await this.store.enqueue(records);
    if (queued.length) this.wake();
    for (const d of full) this.warnFull(d.endpointId);
  }

  private warnFull(endpointId: string): void {
    const now = Date.now();
    if (now - (this.fullWarnedAt.get(endpointId) ?? -Infinity) < FULL_WARN_MS) return;
    this.fullWarnedAt.set(endpointId, now);
    this.log.warn({ endpoint: endpointId, maxPending: this.config.maxPending }, 'webhook endpoint queue full: new deliveries recorded DEAD');
  }

  /**
   * A device named by id, as this replica last took it (any age: it is only matched against filters); never read
   * from the vendor for this. null (the event is skipped) when unknown here: a filter could not be checked.
   */
  private resolve(subject: EventSubject): EventSubject | null {
    if ('device' in subject || !subject.deviceVendorId) return subject;
    const device = this.deps.stores.get(subject.sourceId)?.peek(subject.deviceVendorId) ?? null;
    return device ? { device } : null;
  }

  private matches(filter: DeviceFilter | null, subject: EventSubject): boolean {
    if ('device' in subject) return matchesFilter(subject.device, filter);
    const source = this.deps.sources.get(subject.sourceId);
    return !!source && sourcesFor([source], filter).length > 0;
  }

  // ---- endpoints cache and pollers ----

  /** Reads endpoints again; the pollers of the sources enabled endpoints watch run meanwhile. */
  private async refresh(): Promise<void> {
    let endpoints: EndpointRecord[];
    try {
      endpoints = await this.store.endpoints();
    } catch {
      return; // Redis away: the last known endpoints stay in force
    }
    if (this.closed) return;
    // the logger scrubs them too, should one ever reach a log line
    for (const e of endpoints) learnSecret(e.secret);
    this.endpointsCache = endpoints;
    for (const id of this.attemptMs.keys()) if (!endpoints.some((e) => e.id === id)) this.attemptMs.delete(id);
    const ids = new Set<string>();
    for (const e of endpoints) if (e.enabled) for (const s of sourcesFor(this.deps.sources.values(), e.filter)) ids.add(s.id);
    const key = [...ids].sort().join('\n');
    if (key === this.polled) return;
    this.polled = key;
    const release = this.releasePollers;
    this.releasePollers = ids.size ? this.deps.pollers.acquire(ids) : null;
    release?.();
  }

  // ---- delivery ----

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.work(), ms);
    this.pollTimer.unref?.();
  }

  private wake(): void {
    if (this.working) this.again = true;
    else this.schedule(0);
  }

  /**
   * Takes what is due, as far as there is room, and starts delivering it; a delivery whose endpoint already has
   * its share in flight here (one while it is failing) goes back to wait, so a slow receiver holds up only its own.
   */
  private async work(): Promise<void> {
    if (this.closed) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = true;
    const deferred = new Map<string, number>();
    try {
      do {
        this.again = false;
        // held deliveries take no room (a slow endpoint's must not crowd the others out); they are bounded apart
        const room = this.config.concurrency - this.inFlight;
        if (room <= 0) break;
        const leases = await this.store.take(room);
        const waits: Promise<void>[] = [];
        for (const lease of leases) {
          const wait = this.waitFor(lease.record, deferred);
          if (wait === null) this.start(lease);
          else if (wait === 'hold') this.hold(lease);
          else waits.push(this.store.settle(lease, { ...lease.record, nextAttemptAt: Date.now() + wait }, Date.now() + wait));
        }
        await Promise.all(waits);
        if (leases.length === room) this.again = true;
      } while (this.again && !this.closed);
      this.queueUp = true;
    } catch (e) {
      if (this.queueUp) this.log.warn({ err: (e as Error).message }, 'webhook queue unreachable: deliveries wait');
      this.queueUp = false;
    } finally {
      this.working = false;
    }
    this.schedule(this.config.pollMs);
  }

  /**
   * null: deliver now. When its endpoint has its share in flight: 'hold' it here for the next free slot, while
   * fewer than a share wait so; beyond that, how long it waits in the store. The `n`-th put back in one round waits
   * n/share attempts' time (they go out at about the pace the endpoint takes them); a new one for a failing endpoint
   * waits as long as it has been failing (up to the longest retry wait).
   */
  private waitFor(record: DeliveryRecord, deferred: Map<string, number>): number | 'hold' | null {
    const failingSince = this.endpointsCache.find((e) => e.id === record.endpointId)?.failingSince ?? null;
    const share = failingSince === null ? this.config.endpointConcurrency : 1;
    if ((this.inFlightByEndpoint.get(record.endpointId) ?? 0) < share) return null;
    const failingNew = failingSince !== null && record.attempts === 0;
    if (!failingNew && this.heldCount < this.config.concurrency && (this.held.get(record.endpointId)?.length ?? 0) < share) return 'hold';
    const n = (deferred.get(record.endpointId) ?? 0) + 1;
    deferred.set(record.endpointId, n);
    const step = Math.max(MIN_PACE_MS, this.attemptMs.get(record.endpointId) ?? this.config.pollMs);
    const paced = Math.round(step * Math.ceil(n / share));
    if (failingSince === null || record.attempts > 0) return paced;
    const longest = Math.max(...this.config.retryScheduleMs);
    return Math.max(paced, Math.min(Date.now() - failingSince, longest));
  }

  /** Held deliveries wait no longer than their endpoint's share of attempts in flight: well within claimIdleMs. */
  private hold(lease: Leased): void {
    const queue = this.held.get(lease.record.endpointId) ?? [];
    queue.push(lease);
    this.held.set(lease.record.endpointId, queue);
    this.heldCount += 1;
  }

  private start(lease: Leased): void {
    const endpointId = lease.record.endpointId;
    this.inFlight += 1;
    this.inFlightByEndpoint.set(endpointId, (this.inFlightByEndpoint.get(endpointId) ?? 0) + 1);
    const began = Date.now();
    void this.deliver(lease)
      .catch((e: unknown) => this.log.warn({ delivery: lease.record.id, err: (e as Error).message }, 'webhook delivery not settled'))
      .finally(() => {
        this.inFlight -= 1;
        const took = Date.now() - began;
        const before = this.attemptMs.get(endpointId);
        this.attemptMs.set(endpointId, before === undefined ? took : 0.8 * before + 0.2 * took);
        const left = (this.inFlightByEndpoint.get(endpointId) ?? 1) - 1;
        if (left > 0) this.inFlightByEndpoint.set(endpointId, left);
        else this.inFlightByEndpoint.delete(endpointId);
        const next = this.closed ? undefined : this.held.get(endpointId)?.shift();
        if (next) {
          this.heldCount -= 1;
          if (!this.held.get(endpointId)?.length) this.held.delete(endpointId);
          this.start(next);
        }
        this.wake();
      });
  }

  private async deliver(lease: Leased): Promise<void> {
    const record = lease.record;
    const endpoint = await this.store.endpoint(record.endpointId);
    // its endpoint was deleted (perhaps after another replica queued it): nothing to send, nothing to keep
    if (!endpoint) return this.store.discard(lease);
    if (record.status === 'DEAD' || record.status === 'SUCCEEDED') return this.store.settle(lease, record, null);
    if (!endpoint.enabled) {
      return this.store.settle(lease, { ...record, status: 'DEAD', lastError: 'endpoint disabled', nextAttemptAt: null }, null);
    }
    const headers = signedHeaders(endpoint.secret, record.eventId, Math.floor(Date.now() / 1000), record.body);
    const result = await this.sender.send(endpoint.url, headers, record.body);
    // shutting down: the delivery stays taken (with Redis another replica takes it over), its outcome unrecorded
    if (this.closed) return;
    const attempts = record.attempts + 1;
    const now = Date.now();
    const base = { ...record, attempts, lastResponseCode: result.status, lastError: result.error };
    if (result.ok) {
      await this.store.settle(lease, { ...base, status: 'SUCCEEDED', nextAttemptAt: null }, null);
      if (endpoint.failingSince !== null) {
        this.noteFailing(endpoint.id, null);
        await this.store.setHealth(endpoint.id, { failingSince: null });
      }
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    const disable = now - failingSince >= this.config.disableAfterMs;
    const wait = disable ? null : this.retryWait(attempts);
    const retryAt = wait === null ? null : now + wait;
    await this.store.settle(lease, { ...base, status: retryAt === null ? 'DEAD' : 'FAILED', nextAttemptAt: retryAt }, retryAt);
    if (disable) {
      this.log.warn({ endpoint: endpoint.id, failingForMs: now - failingSince }, 'webhook endpoint disabled: every delivery failed');
      await this.store.setHealth(endpoint.id, { disabledReason: `every delivery failed since ${new Date(failingSince).toISOString()}` });
      await this.refresh();
    } else if (endpoint.failingSince === null) {
      this.noteFailing(endpoint.id, now);
      await this.store.markFailing(endpoint.id, now);
    }
  }

  /** What this replica learnt of an endpoint's failures, used at once (other replicas see it on refresh). */
  private noteFailing(id: string, since: number | null): void {
    const cached = this.endpointsCache.find((e) => e.id === id);
    if (cached) cached.failingSince = since;
  }

  /** The wait before the retry that follows `attempts` attempts; null: none left. */
  private retryWait(attempts: number): number | null {
    const step = this.config.retryScheduleMs[attempts - 1];
    if (step === undefined) return null;
    const j = this.config.jitter;
    return Math.round(step * (1 - j + Math.random() * 2 * j));
  }

  private async mustFind(id: string): Promise<EndpointRecord> {
    const endpoint = await this.store.endpoint(id);
    if (!endpoint) throw new NotFoundError('no such webhook endpoint');
    return endpoint;
  }

  private async checkInput(input: EndpointInput): Promise<void> {
    if (input.url.length > MAX_URL) throw new ValidationError(`url: longer than ${MAX_URL} characters`, 'url');
    if (input.description && input.description.length > MAX_DESCRIPTION) throw new ValidationError(`description: longer than ${MAX_DESCRIPTION} characters`, 'description');
    if (!input.eventTypes.length) throw new ValidationError('eventTypes: name at least one', 'eventTypes');
    await this.guard.checkResolved(input.url);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const stop of this.feeds) stop();
    this.releasePollers?.();
    this.releasePollers = null;
    await this.sender.close();
    await this.store.close();
  }
}
