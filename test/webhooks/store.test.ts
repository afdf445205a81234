import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryWebhookStore } from '../../src/webhooks/store-memory.js';
import { RedisWebhookStore } from '../../src/webhooks/store-redis.js';
import type { DeliveryRecord, EndpointConfig, WebhookStore } from '../../src/webhooks/types.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOG_SIZE = 10;
const MAX_PENDING = 15;

const endpoint = (id: string, version = 1): EndpointConfig => ({
  id,
  url: 'https://example.com/hook',
  eventTypes: ['DEVICE_CHANGED'],
  filter: null,
  enabled: true,
  description: null,
  secret: 'whsec_x',
  createdAt: 1,
  version,
});

const delivery = (endpointId: string, i: number): DeliveryRecord => ({
  id: `dlv_${endpointId}_${i}`,
  endpointId,
  eventId: `msg_${i}`,
  eventType: 'DEVICE_CHANGED',
  body: `{"n":${i}}`,
  status: 'PENDING',
  attempts: 0,
  lastResponseCode: null,
  lastError: null,
  nextAttemptAt: null,
  createdAt: 1_000 + i,
});

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
const prefix = `avgraph-webhook-store-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const stores: [string, () => WebhookStore][] = [
  ['memory', () => new MemoryWebhookStore(LOG_SIZE, MAX_PENDING)],
  ['redis', () => new RedisWebhookStore(redis, { prefix, consumer: `c-${randomBytes(3).toString('hex')}`, claimIdleMs: 60_000, seenTtlMs: 60_000, logSize: LOG_SIZE, maxPending: MAX_PENDING })],
];

describe.each(stores)('webhook store (%s)', (_name, make) => {
  let store: WebhookStore;
  let n = 0;
  const fresh = () => `ep_${_name}_${++n}_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    store = make();
    // a queue shared with earlier cases: drained, so take() sees only this case's deliveries
    for (let got = await store.take(100); got.length; got = await store.take(100)) await Promise.all(got.map((l) => store.discard(l)));
  });

  it('never trims a delivery not yet sent: past maxPending new ones are recorded DEAD "queue full"', async () => {
    const id = fresh();
    await store.saveEndpoint(endpoint(id), null);
    const all = Array.from({ length: 25 }, (_, i) => delivery(id, i));
    const { queued, full } = await store.enqueue(all);
    expect(queued.map((d) => d.id)).toEqual(all.slice(0, MAX_PENDING).map((d) => d.id));
    expect(full.map((d) => d.id)).toEqual(all.slice(MAX_PENDING).map((d) => d.id));
    // every queued one is still there to send, although the log holds more than logSize
    const taken = await store.take(100);
    expect(taken.map((l) => l.record.id).sort()).toEqual(queued.map((d) => d.id).sort());
    const dead = (await store.deliveries(id, 100, 'DEAD')).map((d) => d.lastError);
    expect(dead.length).toBeGreaterThan(0);
    expect(dead.every((e) => e?.startsWith('queue full'))).toBe(true);
    for (const l of taken) expect(await store.delivery(l.record.id)).not.toBeNull();

    // settled ones are what the log drops, oldest first
    for (const l of taken) await store.settle(l, { ...l.record, status: 'SUCCEEDED', attempts: 1 }, null);
    await store.enqueue([delivery(id, 100)]);
    const log = await store.deliveries(id, 100, null);
    expect(log).toHaveLength(LOG_SIZE + 1);
    expect(log[0]!.id).toBe(delivery(id, 100).id);
    expect(log.filter((d) => d.status !== 'PENDING')).toHaveLength(LOG_SIZE);
    expect((await store.take(100)).map((l) => l.record.id)).toEqual([delivery(id, 100).id]);
  });

  it('a pending delivery put back for a retry still counts; once settled for good it frees its place', async () => {
    const id = fresh();
    await store.saveEndpoint(endpoint(id), null);
    const { queued } = await store.enqueue(Array.from({ length: MAX_PENDING }, (_, i) => delivery(id, i)));
    expect(queued).toHaveLength(MAX_PENDING);
    const [first, ...rest] = await store.take(100);
    await store.settle(first!, { ...first!.record, status: 'FAILED', attempts: 1 }, Date.now() + 60_000);
    expect((await store.enqueue([delivery(id, 50)])).full).toHaveLength(1);
    await store.settle(rest[0]!, { ...rest[0]!.record, status: 'DEAD', attempts: 1 }, null);
    expect((await store.enqueue([delivery(id, 51)])).queued).toHaveLength(1);
    for (const l of [...rest.slice(1), ...(await store.take(100))]) await store.discard(l);
  });

  it('queues nothing for an endpoint that does not exist (deleted meanwhile), and forgets what a discard drops', async () => {
    const id = fresh();
    expect(await store.enqueue([delivery(id, 1)])).toEqual({ queued: [], full: [] });
    await store.saveEndpoint(endpoint(id), null);
    await store.enqueue([delivery(id, 2)]);
    const [lease] = await store.take(10);
    expect(await store.removeEndpoint(id)).toBe(true);
    await store.discard(lease!);
    expect(await store.delivery(delivery(id, 2).id)).toBeNull();
    expect(await store.enqueue([delivery(id, 3)])).toEqual({ queued: [], full: [] });
    expect(await store.deliveries(id, 10, null)).toEqual([]);
    await store.setHealth(id, { disabledReason: 'late' });
    await store.markFailing(id, 5);
    expect(await store.endpoint(id)).toBeNull();
    // nothing of it left but the short-lived memory of ids already enqueued
    if (store instanceof RedisWebhookStore) expect((await redis.keys(`${prefix}:webhooks:*${id}*`)).filter((k) => !k.includes(':seen:'))).toEqual([]);
  });

  it('saves an admin change only from the version it read; never brings back a deleted endpoint', async () => {
    const id = fresh();
    expect(await store.saveEndpoint(endpoint(id), null)).toBe('saved');
    expect(await store.saveEndpoint(endpoint(id), null)).toBe('conflict');
    expect(await store.saveEndpoint({ ...endpoint(id, 2), description: 'a' }, 1)).toBe('saved');
    // a change made from the older read (e.g. a rotation racing an update) is refused, not applied over it
    expect(await store.saveEndpoint({ ...endpoint(id, 2), secret: 'whsec_y' }, 1)).toBe('conflict');
    expect(await store.endpoint(id)).toMatchObject({ description: 'a', secret: 'whsec_x', version: 2 });
    await store.removeEndpoint(id);
    expect(await store.saveEndpoint(endpoint(id, 3), 2)).toBe('gone');
    expect(await store.endpoint(id)).toBeNull();
  });

  it.skipIf(_name !== 'redis')('takes an endpoint stored before versions (in Redis) as version 0', async () => {
    const id = fresh();
    const { version: _v, ...legacy } = endpoint(id);
    expect(await store.saveEndpoint(legacy as EndpointConfig, null)).toBe('saved');
    expect(await store.endpoint(id)).toMatchObject({ version: 0 });
    expect(await store.saveEndpoint({ ...endpoint(id, 1), description: 'b' }, 0)).toBe('saved');
    expect(await store.endpoint(id)).toMatchObject({ version: 1, description: 'b' });
  });

  it('keeps what deliveries learnt apart from admin changes', async () => {
    const id = fresh();
    await store.saveEndpoint(endpoint(id), null);
    await store.markFailing(id, 100);
    await store.markFailing(id, 200);
    expect(await store.endpoint(id)).toMatchObject({ failingSince: 100, enabled: true });
    await store.setHealth(id, { disabledReason: 'every delivery failed' });
    // an admin edit (a description) does not undo avgraph's disabling
    expect(await store.saveEndpoint({ ...endpoint(id, 2), description: 'edited' }, 1)).toBe('saved');
    expect(await store.endpoint(id)).toMatchObject({ description: 'edited', enabled: false, disabledReason: 'every delivery failed', failingSince: 100 });
    await store.setHealth(id, { failingSince: null, disabledReason: null });
    expect(await store.endpoint(id)).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect((await store.endpoints()).find((e) => e.id === id)).toMatchObject({ enabled: true });
  });

  it.skipIf(_name !== 'redis')('leaves the consumer group on close when it holds nothing (restarts do not pile up consumers)', async () => {
    const consumers = async () => ((await redis.xinfo('CONSUMERS', `${prefix}:webhooks:queue`, 'workers')) as string[][]).map((c) => c[c.indexOf('name') + 1]);
    const id = fresh();
    await store.saveEndpoint(endpoint(id), null);
    await store.enqueue([delivery(id, 1)]);
    const own = make() as RedisWebhookStore;
    const [lease] = await own.take(10);
    const before = await consumers();
    await own.settle(lease!, { ...lease!.record, status: 'SUCCEEDED' }, null);
    await own.close();
    const after = await consumers();
    expect(after).toHaveLength(before.length - 1);
  });
});
