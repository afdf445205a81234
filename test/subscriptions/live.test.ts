import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { live } from '../../src/subscriptions/live.js';
import { createTopics } from '../../src/subscriptions/pubsub.js';
import type { Device } from '../../src/model.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tick = () => new Promise((r) => setImmediate(r));

describe('live event streams', () => {
  it('retain nothing per delivered event while the subscription runs', async () => {
    const pubsub = createTopics();
    let released = 0;
    const stream = live(pubsub, 'deviceChanged', () => () => void (released += 1), (e) => e)[Symbol.asyncIterator]();
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 200; i++) {
      const pending = stream.next();
      await tick();
      const payload = { device: { vendorDeviceId: `d${i}`, blob: 'x'.repeat(1000) } as unknown as Device, changedFields: ['name'], at: new Date() };
      refs.push(new WeakRef(payload));
      pubsub.publish('deviceChanged', payload);
      expect((await pending).value).toBe(payload);
    }
    await tick();
    gc();
    await tick();
    gc();
    // Every event but the last handed out may be collected while the subscription is still open.
    const alive = refs.slice(0, -1).filter((r) => r.deref() !== undefined).length;
    expect(alive).toBe(0);
    await stream.return?.();
    expect(released).toBe(1);
    await pubsub.close();
  });

  it('ends at once when the client leaves while no event is pending', async () => {
    const pubsub = createTopics();
    let released = 0;
    const stream = live(pubsub, 'deviceChanged', () => () => void (released += 1), (e) => e)[Symbol.asyncIterator]();
    const pending = stream.next();
    await tick();
    await stream.return?.();
    expect((await pending).done).toBe(true);
    expect(released).toBe(1);
    await pubsub.close();
  });
});
