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
import { newSecret, signedHeaders } from './signature.js';
import type { DeliveryRecord, DeliveryStatus, EndpointRecord, Leased, WebhookStore } from './types.js';
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
  /** Devices of events that name one by id (commands), as last read. */
  stores: Map<string, DeviceStore>;
  log: Logger;
}

const MAX_URL = 2048;
const MAX_DESCRIPTION = 500;

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
  private readonly refreshTimer: NodeJS.Timeout;
  private working = false;
  private again = false;
  private inFlight = 0;
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
    this.refreshTimer = setInterval(() => void this.refresh(), deps.config.refreshMs);
    this.refreshTimer.unref?.();
    this.schedule(0);
  }

  // ---- endpoints (the GraphQL API; callers check the admin scope) ----

  async endpoints(): Promise<EndpointRecord[]> {
    return (await this.store.endpoints()).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async create(input: EndpointInput): Promise<{ endpoint: EndpointRecord; secret: string }> {
    await this.checkInput(input);
    const endpoint: EndpointRecord = {
      id: `ep_${randomBytes(12).toString('base64url')}`,
      url: input.url,
      eventTypes: [...new Set(input.eventTypes)],
      filter: input.filter,
      enabled: input.enabled,
      description: input.description,
      secret: newSecret(),
      createdAt: Date.now(),
      failingSince: null,
      disabledReason: null,
    };
    await this.store.saveEndpoint(endpoint);
    await this.refresh();
    return { endpoint, secret: endpoint.secret };
  }

  async update(id: string, patch: Partial<EndpointInput>): Promise<EndpointRecord> {
    const current = await this.mustFind(id);
    const next: EndpointInput = {
      url: patch.url ?? current.url,
      eventTypes: patch.eventTypes ?? current.eventTypes,
      filter: patch.filter === undefined ? current.filter : patch.filter,
      enabled: patch.enabled ?? current.enabled,
      description: patch.description === undefined ? current.description : patch.description,
    };
    await this.checkInput(next);
    // enabled again (by hand): its failures so far no longer count toward disabling it
    const reenabled = next.enabled && !current.enabled;
    const endpoint: EndpointRecord = {
      ...current,
      ...next,
      eventTypes: [...new Set(next.eventTypes)],
      failingSince: reenabled ? null : current.failingSince,
      disabledReason: next.enabled ? null : current.disabledReason,
    };
    await this.store.saveEndpoint(endpoint);
    await this.refresh();
    return endpoint;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.removeEndpoint(id))) throw new NotFoundError('no such webhook endpoint');
    await this.refresh();
  }

  /** A new secret, returned this once; deliveries from now on are signed with it. */
  async rotateSecret(id: string): Promise<{ endpoint: EndpointRecord; secret: string }> {
    const endpoint = { ...(await this.mustFind(id)), secret: newSecret() };
    learnSecret(endpoint.secret);
    await this.store.saveEndpoint(endpoint);
    return { endpoint, secret: endpoint.secret };
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
    const about = await this.resolve(t.subject(event));
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
    if ((await this.store.enqueue(records)).length) this.wake();
  }

  /** A device named by id, as this replica last read it (any age: it is only matched against filters). */
  private async resolve(subject: EventSubject): Promise<EventSubject> {
    if ('device' in subject || !subject.deviceVendorId) return subject;
    const device = await this.deps.stores.get(subject.sourceId)?.device(subject.deviceVendorId, Number.POSITIVE_INFINITY).catch(() => null);
    return device ? { device } : { sourceId: subject.sourceId };
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

  /** Takes what is due, as far as there is room, and starts delivering it. */
  private async work(): Promise<void> {
    if (this.closed) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = true;
    try {
      do {
        this.again = false;
        const room = this.config.concurrency - this.inFlight;
        if (room <= 0) break;
        const leases = await this.store.take(room);
        for (const lease of leases) {
          this.inFlight += 1;
          void this.deliver(lease)
            .catch((e: unknown) => this.log.warn({ delivery: lease.record.id, err: (e as Error).message }, 'webhook delivery not settled'))
            .finally(() => {
              this.inFlight -= 1;
              this.wake();
            });
        }
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

  private async deliver(lease: Leased): Promise<void> {
    const record = lease.record;
    const endpoint = await this.store.endpoint(record.endpointId);
    if (!endpoint || record.status === 'DEAD' || record.status === 'SUCCEEDED') return this.store.settle(lease, record, null);
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
      if (endpoint.failingSince !== null) await this.patchEndpoint(endpoint.id, (e) => ({ ...e, failingSince: null }));
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    const disable = now - failingSince >= this.config.disableAfterMs;
    const wait = disable ? null : this.retryWait(attempts);
    const retryAt = wait === null ? null : now + wait;
    await this.store.settle(lease, { ...base, status: retryAt === null ? 'DEAD' : 'FAILED', nextAttemptAt: retryAt }, retryAt);
    if (disable) {
      this.log.warn({ endpoint: endpoint.id, failingForMs: now - failingSince }, 'webhook endpoint disabled: every delivery failed');
      await this.patchEndpoint(endpoint.id, (e) => ({ ...e, enabled: false, disabledReason: `every delivery failed since ${new Date(failingSince).toISOString()}` }));
      await this.refresh();
    } else if (endpoint.failingSince === null) {
      await this.patchEndpoint(endpoint.id, (e) => ({ ...e, failingSince: e.failingSince ?? now }));
    }
  }

  /** The wait before the retry that follows `attempts` attempts; null: none left. */
  private retryWait(attempts: number): number | null {
    const step = this.config.retryScheduleMs[attempts - 1];
    if (step === undefined) return null;
    const j = this.config.jitter;
    return Math.round(step * this.config.timeScale * (1 - j + Math.random() * 2 * j));
  }

  /** Changes one endpoint as it is now (not as it was when the delivery began): an admin may have changed it. */
  private async patchEndpoint(id: string, change: (e: EndpointRecord) => EndpointRecord): Promise<void> {
    const current = await this.store.endpoint(id);
    if (current) await this.store.saveEndpoint(change(current));
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
    clearInterval(this.refreshTimer);
    for (const stop of this.feeds) stop();
    this.releasePollers?.();
    this.releasePollers = null;
    await this.sender.close();
    await this.store.close();
  }
}
