import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { Device } from '../../src/model.js';
import { createTopics, type PubSub, type Topics } from '../../src/subscriptions/pubsub.js';
import { RedisLink } from '../../src/subscriptions/redis-link.js';
import { eventually } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function device(isRecording: boolean): Device {
  return { sourceId: 'cloud', vendorDeviceId: 'd1', name: 'Lobby', isRecording, lastSeenAt: new Date(1_700_000_000_000) } as unknown as Device;
}

function collect<K extends keyof Topics>(pubsub: PubSub, topic: K): Topics[K][] {
  const got: Topics[K][] = [];
  void (async () => {
    for await (const e of pubsub.subscribe(topic)) got.push(e);
  })();
  return got;
}

describe('events between replicas through Redis', () => {
  const prefix = `avgraph-pubsub-${randomBytes(4).toString('hex')}`;
  const links = [new RedisLink(REDIS_URL, `${prefix}:*`, log), new RedisLink(REDIS_URL, `${prefix}:*`, log)];
  const [here, there] = links.map((link) => createTopics({ link, prefix, dedupeWindowMs: 5_000 })) as [PubSub, PubSub];
  afterAll(async () => {
    await Promise.all([here.close(), there.close()]);
    await Promise.all(links.map((l) => l.close()));
  });

  it('crosses replicas with Dates intact, and never hands the same news twice to one subscriber', async () => {
    await eventually(() => links.every((l) => l.up), 3000, 'both links up');
    const got = collect(here, 'deviceChanged');
    await new Promise((r) => setTimeout(r, 20));

    // another replica's event arrives with its Dates as Dates
    there.publish('deviceChanged', { device: device(true), changedFields: ['isRecording'], at: new Date(5) });
    await eventually(() => got.length === 1, 2000, 'the event from the other replica');
    expect(got[0]!.at).toEqual(new Date(5));
    expect(got[0]!.device.lastSeenAt).toBeInstanceOf(Date);

    // this replica, polling alone, delivered a change itself; the same change found by the other replica is dropped
    here.publish('deviceChanged', { device: device(false), changedFields: ['isRecording'], at: new Date(6) }, { localOnly: true });
    there.publish('deviceChanged', { device: device(false), changedFields: ['isRecording'], at: new Date(7) });
    // ...while different news from it still arrives
    there.publish('deviceChanged', { device: { ...device(false), name: 'Foyer' }, changedFields: ['name'], at: new Date(8) });
    await eventually(() => got.length === 3, 2000, 'the other news');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((e) => e.at.getTime())).toEqual([5, 6, 8]);
  });

  it('drops only the first copy through Redis of what was delivered alone: a device that flips back is told', async () => {
    const got = collect(here, 'deviceChanged');
    await new Promise((r) => setTimeout(r, 20));
    const lobby = (isRecording: boolean, at: number) => ({ device: { ...device(isRecording), vendorDeviceId: 'd2' }, changedFields: ['isRecording'], at: new Date(at) });
    here.publish('deviceChanged', lobby(true, 1), { localOnly: true });
    there.publish('deviceChanged', lobby(true, 2)); // the other replica found the same change: dropped
    there.publish('deviceChanged', lobby(false, 3));
    there.publish('deviceChanged', lobby(true, 4)); // back to what was delivered alone: news again
    await eventually(() => got.length === 3, 2000, 'three events');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((e) => e.at.getTime())).toEqual([1, 3, 4]);
  });

  it('ignores what is not one of its events on its channels', async () => {
    const got = collect(here, 'deviceChanged');
    await new Promise((r) => setTimeout(r, 20));
    here.publish('deviceChanged', { device: device(true), changedFields: [], at: new Date(9) }, { localOnly: true });
    await links[1]!.commands.publish(`${prefix}:deviceChanged`, 'not json {');
    await links[1]!.commands.publish(`${prefix}:deviceChanged`, '{"device":null}');
    there.publish('deviceChanged', { device: { ...device(true), name: 'Hall' }, changedFields: ['name'], at: new Date(10) });
    await eventually(() => got.length >= 2, 2000, 'the good events');
    expect(got.at(-1)!.at.getTime()).toBe(10);
  });
});
