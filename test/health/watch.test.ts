import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { deviceHealth } from '../../src/health/compute.js';
import { RedisHealthLedger } from '../../src/health/ledger.js';
import type { DeviceHealthChangedEvent } from '../../src/health/model.js';
import { HealthWatch } from '../../src/health/watch.js';
import { createLogger } from '../../src/log.js';
import type { Device } from '../../src/model.js';
import { mapDevice } from '../../src/sources/epiphan/map.js';
import type { Source } from '../../src/sources/source.js';
import type { PollReport } from '../../src/subscriptions/poller.js';
import { createTopics, type PubSub } from '../../src/subscriptions/pubsub.js';
import { RedisLink } from '../../src/subscriptions/redis-link.js';
import { DOC_DEVICE } from '../fixtures/epiphan-doc.js';
import { freePort } from '../helpers/replicas.js';
import { eventually } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const T = parseConfig({}, {}).health;
const log = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const source = { id: 'studio' } as Source;

function device(id: string, online = true): Device {
  const d = mapDevice('studio', 'AV_STUDIO', { ...DOC_DEVICE, Id: id, Status: online ? 'Online' : 'Offline', StateTime: Date.now() / 1000 - 60 });
  return { ...d, observedAt: new Date() };
}

const judge = (d: Device) => deviceHealth(d, { circuitOpen: false, queue: [] }, T, new Date());

/** One replica's watch: its own pubsub (it hears no other replica), what its polls publish, and its polls. */
function replica(link: RedisLink | null, prefix: string) {
  const pubsub: PubSub = createTopics({ prefix });
  const published: DeviceHealthChangedEvent[] = [];
  const watch = new HealthWatch(judge, pubsub, async () => [], link ? new RedisHealthLedger(link, prefix, log) : null);
  let first = true;
  const poll = (devices: Device[] | null, shared = true) => {
    const report: PollReport = { source, devices, first, shared, publish: (_t, e) => void published.push(e as DeviceHealthChangedEvent) };
    first = false;
    return watch.polled(report);
  };
  const said = () => published.map((e) => `${e.device.vendorDeviceId}:${e.previous?.state}>${e.health.state}`);
  return { poll, said, close: () => (watch.close(), pubsub.close()) };
}

describe('HealthWatch with the health ledger in Redis', () => {
  const prefix = `avgraph-ledger-${randomBytes(4).toString('hex')}`;
  const link = new RedisLink(REDIS_URL, `${prefix}:*`, log);
  const redis = new Redis(REDIS_URL);
  const closers: (() => unknown)[] = [];
  const start = (l: RedisLink | null = link) => {
    const r = replica(l, prefix);
    closers.push(r.close);
    return r;
  };
  const recorded = async () => Object.keys(await redis.hgetall(`${prefix}:health:studio`)).sort();

  beforeAll(() => eventually(() => link.up, 3000, 'redis link up'));
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await redis.del(`${prefix}:health:studio`);
    await Promise.all([link.close(), redis.quit()]);
  });

  it('a replica taking up the polling announces a change made since the last one polled (not a silent start)', async () => {
    const a = start();
    await a.poll([device('x'), device('y')]);
    await a.poll([device('x'), device('y')]);
    expect(a.said()).toEqual([]);
    expect(await recorded()).toEqual(['x', 'y']);
    expect(await redis.pttl(`${prefix}:health:studio`)).toBeGreaterThan(23 * 3600_000);
    // a dies; y goes offline before b's first poll; b never heard anything about x or y
    const b = start();
    await b.poll([device('x'), device('y', false)]);
    expect(b.said()).toEqual(['y:OK>WARNING']);
    await b.poll([device('x'), device('y', false)]);
    expect(b.said()).toEqual(['y:OK>WARNING']);
    // and a third, taking over from b, has nothing new to say
    const c = start();
    await c.poll([device('x'), device('y', false)]);
    expect(c.said()).toEqual([]);
  });

  it('forgets the devices a successful poll no longer shows, here and in the ledger; a failed poll forgets nothing', async () => {
    const a = start();
    await a.poll([device('x'), device('y', false)]);
    await a.poll(null);
    expect(await recorded()).toEqual(['x', 'y']);
    await a.poll([device('x')]);
    expect(await recorded()).toEqual(['x']);
    // y back (and fine): a device judged afresh, not a change from its WARNING of before
    await a.poll([device('x'), device('y')]);
    expect(a.said()).toEqual([]);
    expect(await recorded()).toEqual(['x', 'y']);
  });

  it('writes the whole record once Redis takes writes again after this replica spoke to its own subscribers only', async () => {
    await redis.del(`${prefix}:health:studio`);
    const a = start();
    await a.poll([device('x'), device('y')], false);
    expect(await recorded()).toEqual([]);
    // nothing changes at the next shared poll, yet the ledger gets everything this replica judged
    await a.poll([device('x'), device('y')]);
    expect(await recorded()).toEqual(['x', 'y']);
  });

  it('judges on from its own memory when Redis cannot be reached, and its polls still resolve', async () => {
    const down = new RedisLink(`redis://127.0.0.1:${await freePort()}`, `${prefix}:*`, log);
    closers.push(() => down.close());
    const a = start(down);
    await expect(a.poll([device('x')])).resolves.toBeUndefined();
    await expect(a.poll([device('x', false)])).resolves.toBeUndefined();
    expect(a.said()).toEqual(['x:OK>WARNING']);
  });

  it('without Redis, one replica: its memory is the whole record', async () => {
    const a = start(null);
    await a.poll([device('x')]);
    await a.poll([device('x', false)]);
    expect(a.said()).toEqual(['x:OK>WARNING']);
  });
});
