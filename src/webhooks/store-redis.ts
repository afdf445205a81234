import type { Redis } from 'ioredis';
import { isFinal, QUEUE_FULL_ERROR, queueFull, toRecord } from './records.js';
import type { DeliveryRecord, DeliveryStatus, EndpointConfig, EndpointHealth, EndpointRecord, Leased, WebhookStore } from './types.js';

const GROUP = 'workers';

/**
 * Records and queues each delivery not seen before (SET NX on its id) whose endpoint exists. An endpoint's log
 * holds every delivery, "done" the settled ones: pending (log - done) is capped, beyond it a delivery is recorded
 * DEAD instead (the record rewritten here as records.ts queueFull() does, ARGV[7] its error); settled ones beyond
 * logSize are trimmed, oldest first, and pending ones never.
 */
const ENQUEUE = `
local queued, full = {}, {}
for i = 8, #ARGV, 5 do
  local id, ep, at, json, pending = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if redis.call('hexists', KEYS[3], ep) == 1 and redis.call('set', ARGV[1] .. id, '1', 'PX', ARGV[2], 'NX') then
    local log, done = ARGV[3] .. ep, ARGV[5] .. ep
    if pending == '1' and redis.call('zcard', log) - redis.call('zcard', done) >= tonumber(ARGV[6]) then
      local record = cjson.decode(json)
      record.status, record.lastError, record.nextAttemptAt = 'DEAD', ARGV[7], cjson.null
      json, pending = cjson.encode(record), '0'
      full[#full + 1] = id
    end
    redis.call('hset', KEYS[1], id, json)
    redis.call('zadd', log, at, id)
    if pending == '1' then
      redis.call('xadd', KEYS[2], '*', 'd', id)
      queued[#queued + 1] = id
    else
      redis.call('zadd', done, at, id)
    end
    local extra = redis.call('zcard', done) - tonumber(ARGV[4])
    if extra > 0 then
      local old = redis.call('zpopmin', done, extra)
      for j = 1, #old, 2 do
        redis.call('zrem', log, old[j])
        redis.call('hdel', KEYS[1], old[j])
      end
    end
  end
end
return { queued, full }`;

/** Moves retries that are due onto the stream, atomically, so one replica moves each. */
const PROMOTE = `
local ids = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('zrem', KEYS[1], id)
  redis.call('xadd', KEYS[2], '*', 'd', id)
end
return #ids`;

/** Saves an outcome (unless the record was trimmed or deleted meanwhile), schedules its retry, acks the entry. */
const SETTLE = `
if redis.call('hexists', KEYS[1], ARGV[3]) == 1 then
  redis.call('hset', KEYS[1], ARGV[3], ARGV[4])
  if ARGV[5] ~= '' then redis.call('zadd', KEYS[2], ARGV[5], ARGV[3]) end
  if ARGV[6] == '1' then redis.call('zadd', KEYS[4], ARGV[7], ARGV[3]) end
end
redis.call('xack', KEYS[3], ARGV[1], ARGV[2])
redis.call('xdel', KEYS[3], ARGV[2])
return 1`;

/** Queues a recorded delivery again (it is pending again), unless it was trimmed or deleted. */
const REQUEUE = `
if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
redis.call('zrem', KEYS[2], ARGV[1])
redis.call('zrem', KEYS[4], ARGV[1])
redis.call('xadd', KEYS[3], '*', 'd', ARGV[1])
return 1`;

/** Replaces an endpoint's config only from the version it was read at (none: creates it). */
const SAVE = `
local cur = redis.call('hget', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  if cur then return 0 end
else
  if not cur then return -1 end
  if tostring(cjson.decode(cur).version or 0) ~= ARGV[2] then return 0 end
end
redis.call('hset', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/** Sets or clears (empty value) fields of an endpoint's health, only while the endpoint exists. */
const HEALTH = `
if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('hdel', KEYS[2], ARGV[i])
  elseif ARGV[2] == 'nx' then redis.call('hsetnx', KEYS[2], ARGV[i], ARGV[i + 1])
  else redis.call('hset', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1`;

const REMOVE = `
local ids = redis.call('zrange', KEYS[3], 0, -1)
for _, id in ipairs(ids) do redis.call('hdel', KEYS[2], id) end
redis.call('del', KEYS[3], KEYS[4], KEYS[5])
return redis.call('hdel', KEYS[1], ARGV[1])`;

type StreamEntry = [id: string, fields: string[]];

export interface RedisStoreOptions {
  /** The avgraph Redis prefix; webhook keys live under "<prefix>:webhooks:". */
  prefix: string;
  /** This worker's name in the consumer group (the replica id). */
  consumer: string;
  /** A delivery taken by a worker that has not settled it for this long is taken over (its worker died). */
  claimIdleMs: number;
  /** How long a delivery id is remembered so that the same event seen by another replica is not enqueued twice. */
  seenTtlMs: number;
  logSize: number;
  maxPending: number;
}

/**
 * Endpoints and deliveries in Redis, shared by replicas: the queue is a Redis Stream read through one consumer
 * group (each entry goes to one replica; entries a dead replica held are claimed by another after claimIdleMs),
 * retries wait in a sorted set by due time, records in a hash with a per-endpoint log.
 */
export class RedisWebhookStore implements WebhookStore {
  private readonly k: { endpoints: string; health: string; records: string; queue: string; retry: string; seen: string; log: string; done: string };
  private grouped = false;
  /** When this worker last looked for deliveries to take over (none can be before claimIdleMs). */
  private lastClaimAt = -Infinity;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisStoreOptions,
  ) {
    const base = `${opts.prefix}:webhooks:`;
    this.k = {
      endpoints: `${base}endpoints`,
      health: `${base}health:`,
      records: `${base}deliveries`,
      queue: `${base}queue`,
      retry: `${base}retry`,
      seen: `${base}seen:`,
      log: `${base}log:`,
      done: `${base}done:`,
    };
  }

  async saveEndpoint(endpoint: EndpointConfig, expected: number | null): Promise<'saved' | 'conflict' | 'gone'> {
    const r = await this.redis.eval(SAVE, 1, this.k.endpoints, endpoint.id, expected === null ? '' : String(expected), JSON.stringify(endpoint));
    return r === 1 ? 'saved' : r === 0 ? 'conflict' : 'gone';
  }

  async setHealth(id: string, change: Partial<EndpointHealth>): Promise<void> {
    await this.health(id, 'set', change);
  }

  async markFailing(id: string, since: number): Promise<void> {
    await this.health(id, 'nx', { failingSince: since });
  }

  private async health(id: string, mode: 'set' | 'nx', change: Partial<EndpointHealth>): Promise<void> {
    const args = Object.entries(change).flatMap(([field, v]) => [field, v === null || v === undefined ? '' : String(v)]);
    await this.redis.eval(HEALTH, 2, this.k.endpoints, this.k.health + id, id, mode, ...args);
  }

  async removeEndpoint(id: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE, 5, this.k.endpoints, this.k.records, this.k.log + id, this.k.done + id, this.k.health + id, id)) === 1;
  }

  async endpoint(id: string): Promise<EndpointRecord | null> {
    const [[, json], [, health]] = (await this.redis.multi().hget(this.k.endpoints, id).hgetall(this.k.health + id).exec()) as [[null, string | null], [null, Record<string, string>]];
    return json ? withHealth(JSON.parse(json) as EndpointConfig, health) : null;
  }

  async endpoints(): Promise<EndpointRecord[]> {
    const configs = Object.values(await this.redis.hgetall(this.k.endpoints)).map((j) => JSON.parse(j) as EndpointConfig);
    if (!configs.length) return [];
    const pipeline = this.redis.pipeline();
    for (const c of configs) pipeline.hgetall(this.k.health + c.id);
    const healths = (await pipeline.exec()) as [Error | null, Record<string, string>][];
    return configs.map((c, i) => withHealth(c, healths[i]?.[1] ?? {}));
  }

  async enqueue(deliveries: DeliveryRecord[]): Promise<{ queued: DeliveryRecord[]; full: DeliveryRecord[] }> {
    if (!deliveries.length) return { queued: [], full: [] };
    const args = deliveries.flatMap((d) => [
      d.id,
      d.endpointId,
      String(d.createdAt),
      JSON.stringify(d),
      d.status === 'PENDING' ? '1' : '0',
    ]);
    const [queued, full] = (await this.redis.eval(
      ENQUEUE, 3, this.k.records, this.k.queue, this.k.endpoints,
      this.k.seen, String(this.opts.seenTtlMs), this.k.log, String(this.opts.logSize), this.k.done, String(this.opts.maxPending), QUEUE_FULL_ERROR,
      ...args,
    )) as [string[], string[]];
    const q = new Set(queued);
    const f = new Set(full);
    return { queued: deliveries.filter((d) => q.has(d.id)), full: deliveries.filter((d) => f.has(d.id)).map(queueFull) };
  }

  async take(max: number): Promise<Leased[]> {
    await this.ensureGroup();
    try {
      return await this.takeFromGroup(max);
    } catch (e) {
      // the stream (and its group) went away, e.g. a flushed Redis: made again on the next take
      if (/NOGROUP/.test((e as Error).message)) this.grouped = false;
      throw e;
    }
  }

  private async takeFromGroup(max: number): Promise<Leased[]> {
    await this.redis.eval(PROMOTE, 2, this.k.retry, this.k.queue, String(Date.now()), String(max));
    const entries: StreamEntry[] = [];
    // an entry idles claimIdleMs before it may be taken over: looking twice as often as that is enough
    const now = Date.now();
    if (now - this.lastClaimAt >= this.opts.claimIdleMs / 2) {
      const [, claimed] = (await this.redis.xautoclaim(this.k.queue, GROUP, this.opts.consumer, this.opts.claimIdleMs, '0-0', 'COUNT', max)) as [string, (StreamEntry | null)[]];
      entries.push(...claimed.filter((e): e is StreamEntry => e !== null));
      // a full batch may leave more to take over: looked for again on the next take
      if (claimed.length < max) this.lastClaimAt = now;
    }
    if (entries.length < max) {
      const read = (await this.redis.xreadgroup('GROUP', GROUP, this.opts.consumer, 'COUNT', max - entries.length, 'STREAMS', this.k.queue, '>')) as [string, StreamEntry[]][] | null;
      entries.push(...(read?.[0]?.[1] ?? []));
    }
    if (!entries.length) return [];
    const ids = entries.map(([, fields]) => fields[fields.indexOf('d') + 1] ?? '');
    const jsons = await this.redis.hmget(this.k.records, ...ids);
    const out: Leased[] = [];
    const orphans: string[] = [];
    entries.forEach(([ticket], i) => {
      const json = jsons[i];
      if (json) out.push({ record: JSON.parse(json) as DeliveryRecord, ticket });
      else orphans.push(ticket);
    });
    // deliveries of a deleted endpoint (its records went with it): nothing left to send
    if (orphans.length) await this.redis.multi().xack(this.k.queue, GROUP, ...orphans).xdel(this.k.queue, ...orphans).exec();
    return out;
  }

  async settle(lease: Leased, record: DeliveryRecord, retryAt: number | null): Promise<void> {
    await this.redis.eval(
      SETTLE, 4, this.k.records, this.k.retry, this.k.queue, this.k.done + record.endpointId,
      GROUP, lease.ticket, record.id, JSON.stringify(record), retryAt === null ? '' : String(retryAt), isFinal(record.status) ? '1' : '0', String(record.createdAt),
    );
  }

  async discard(lease: Leased): Promise<void> {
    await this.redis.multi().hdel(this.k.records, lease.record.id).xack(this.k.queue, GROUP, lease.ticket).xdel(this.k.queue, lease.ticket).exec();
  }

  async requeue(record: DeliveryRecord): Promise<void> {
    await this.redis.eval(REQUEUE, 4, this.k.records, this.k.retry, this.k.queue, this.k.done + record.endpointId, record.id, JSON.stringify(record));
  }

  async delivery(id: string): Promise<DeliveryRecord | null> {
    const json = await this.redis.hget(this.k.records, id);
    return json ? (JSON.parse(json) as DeliveryRecord) : null;
  }

  async deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]> {
    if (first <= 0) return [];
    // newest first, a page at a time, until `first` match (a status filter reads no further than it must)
    const page = Math.max(first, 100);
    const out: DeliveryRecord[] = [];
    for (let from = 0; out.length < first; from += page) {
      const ids = await this.redis.zrevrange(this.k.log + endpointId, from, from + page - 1);
      if (!ids.length) break;
      for (const j of await this.redis.hmget(this.k.records, ...ids)) {
        const r = j ? (JSON.parse(j) as DeliveryRecord) : null;
        if (r && (!status || r.status === status) && out.length < first) out.push(r);
      }
      if (ids.length < page) break;
    }
    return out;
  }

  /** Leaves the consumer group when this worker holds nothing, so restarts do not pile up consumers. */
  async close(): Promise<void> {
    if (!this.grouped) return;
    try {
      const held = (await this.redis.xpending(this.k.queue, GROUP, '-', '+', 1, this.opts.consumer)) as unknown[];
      if (!held.length) await this.redis.xgroup('DELCONSUMER', this.k.queue, GROUP, this.opts.consumer);
    } catch {
      // Redis away at shutdown: the consumer stays listed, harmlessly
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.grouped) return;
    try {
      await this.redis.xgroup('CREATE', this.k.queue, GROUP, '0', 'MKSTREAM');
    } catch (e) {
      if (!/BUSYGROUP/.test((e as Error).message)) throw e;
    }
    this.grouped = true;
  }
}

function withHealth(config: EndpointConfig, health: Record<string, string>): EndpointRecord {
  const failingSince = health.failingSince ? Number(health.failingSince) : null;
  // endpoints stored before versions were kept have none: taken as version 0
  return toRecord({ ...config, version: config.version ?? 0 }, { failingSince, disabledReason: health.disabledReason ?? null });
}

