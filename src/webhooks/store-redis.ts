import type { Redis } from 'ioredis';
import type { DeliveryRecord, DeliveryStatus, EndpointRecord, Leased, WebhookStore } from './types.js';

const GROUP = 'workers';

/** Records and queues each delivery not seen before (SET NX on its id), trimming the endpoint's log. */
const ENQUEUE = `
local out = {}
for i = 5, #ARGV, 4 do
  local id, ep, at, json = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call('set', ARGV[1] .. id, '1', 'PX', ARGV[2], 'NX') then
    redis.call('hset', KEYS[1], id, json)
    local log = ARGV[3] .. ep
    redis.call('zadd', log, at, id)
    local extra = redis.call('zcard', log) - tonumber(ARGV[4])
    if extra > 0 then
      local old = redis.call('zpopmin', log, extra)
      for j = 1, #old, 2 do redis.call('hdel', KEYS[1], old[j]) end
    end
    redis.call('xadd', KEYS[2], '*', 'd', id)
    out[#out + 1] = id
  end
end
return out`;

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
end
redis.call('xack', KEYS[3], ARGV[1], ARGV[2])
redis.call('xdel', KEYS[3], ARGV[2])
return 1`;

const REMOVE = `
local ids = redis.call('zrange', KEYS[3], 0, -1)
for _, id in ipairs(ids) do redis.call('hdel', KEYS[2], id) end
redis.call('del', KEYS[3])
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
}

/**
 * Endpoints and deliveries in Redis, shared by replicas: the queue is a Redis Stream read through one consumer
 * group (each entry goes to one replica; entries a dead replica held are claimed by another after claimIdleMs),
 * retries wait in a sorted set by due time, records in a hash with a per-endpoint log.
 */
export class RedisWebhookStore implements WebhookStore {
  private readonly k: { endpoints: string; records: string; queue: string; retry: string; seen: string; log: string };
  private grouped = false;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisStoreOptions,
  ) {
    const base = `${opts.prefix}:webhooks:`;
    this.k = { endpoints: `${base}endpoints`, records: `${base}deliveries`, queue: `${base}queue`, retry: `${base}retry`, seen: `${base}seen:`, log: `${base}log:` };
  }

  async saveEndpoint(endpoint: EndpointRecord): Promise<void> {
    await this.redis.hset(this.k.endpoints, endpoint.id, JSON.stringify(endpoint));
  }

  async removeEndpoint(id: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE, 3, this.k.endpoints, this.k.records, this.k.log + id, id)) === 1;
  }

  async endpoint(id: string): Promise<EndpointRecord | null> {
    const json = await this.redis.hget(this.k.endpoints, id);
    return json ? (JSON.parse(json) as EndpointRecord) : null;
  }

  async endpoints(): Promise<EndpointRecord[]> {
    return Object.values(await this.redis.hgetall(this.k.endpoints)).map((j) => JSON.parse(j) as EndpointRecord);
  }

  async enqueue(deliveries: DeliveryRecord[]): Promise<DeliveryRecord[]> {
    if (!deliveries.length) return [];
    const args = deliveries.flatMap((d) => [d.id, d.endpointId, String(d.createdAt), JSON.stringify(d)]);
    const queued = (await this.redis.eval(ENQUEUE, 2, this.k.records, this.k.queue, this.k.seen, String(this.opts.seenTtlMs), this.k.log, String(this.opts.logSize), ...args)) as string[];
    const ids = new Set(queued);
    return deliveries.filter((d) => ids.has(d.id));
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
    const [, claimed] = (await this.redis.xautoclaim(this.k.queue, GROUP, this.opts.consumer, this.opts.claimIdleMs, '0-0', 'COUNT', max)) as [string, (StreamEntry | null)[]];
    const entries = claimed.filter((e): e is StreamEntry => e !== null);
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
    // deliveries of a deleted endpoint, or trimmed from its log: nothing left to send
    if (orphans.length) await this.redis.multi().xack(this.k.queue, GROUP, ...orphans).xdel(this.k.queue, ...orphans).exec();
    return out;
  }

  async settle(lease: Leased, record: DeliveryRecord, retryAt: number | null): Promise<void> {
    await this.redis.eval(SETTLE, 3, this.k.records, this.k.retry, this.k.queue, GROUP, lease.ticket, record.id, JSON.stringify(record), retryAt === null ? '' : String(retryAt));
  }

  async requeue(record: DeliveryRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.k.records, record.id, JSON.stringify(record))
      .zrem(this.k.retry, record.id)
      .xadd(this.k.queue, '*', 'd', record.id)
      .exec();
  }

  async delivery(id: string): Promise<DeliveryRecord | null> {
    const json = await this.redis.hget(this.k.records, id);
    return json ? (JSON.parse(json) as DeliveryRecord) : null;
  }

  async deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]> {
    // with a status filter the whole (bounded) log is looked at
    const ids = await this.redis.zrevrange(this.k.log + endpointId, 0, status ? -1 : first - 1);
    if (!ids.length) return [];
    const records = (await this.redis.hmget(this.k.records, ...ids)).flatMap((j) => (j ? [JSON.parse(j) as DeliveryRecord] : []));
    return records.filter((r) => !status || r.status === status).slice(0, first);
  }

  async close(): Promise<void> {}

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
