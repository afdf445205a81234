import { describe, expect, it } from 'vitest';
import { FanOut } from '../../src/subscriptions/fanout.js';
import type { Connection } from '../../src/subscriptions/frames.js';

/** A connection that records what happens to it. */
function connection(log: string[], name: string): Connection {
  return {
    send: (frame) => void log.push(`${name} send ${frame}`),
    hold: () => void log.push(`${name} hold`),
    release: () => void log.push(`${name} release`),
  };
}

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('fan-out', () => {
  it('runs jobs in order and lets timers run between slices of a long one', async () => {
    const fanout = new FanOut(2);
    const order: string[] = [];
    let timerAt = -1;
    let served = 0;
    fanout.enqueue({ size: 400, run: (i) => (busy(0.05), (served += 1), i === 0 && order.push('first job')) });
    fanout.enqueue({ size: 1, run: () => void order.push('second job') });
    setTimeout(() => (timerAt = served), 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['first job', 'second job']);
    expect(served).toBe(400);
    // 400 × 0.05 ms is 20 ms of work: a timer due at once did not wait for all of it
    expect(timerAt).toBeGreaterThan(0);
    expect(timerAt).toBeLessThan(400);
  });

  it('holds a connection once per slice and releases it at the end of the slice', async () => {
    const fanout = new FanOut(50);
    const log: string[] = [];
    const [a, b] = [connection(log, 'a'), connection(log, 'b')];
    const targets = [a, b, a, a];
    fanout.enqueue({ size: targets.length, run: (i) => fanout.send(targets[i]!, String(i)) });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a hold', 'a send 0', 'b hold', 'b send 1', 'a send 2', 'a send 3', 'a release', 'b release']);
  });

  it('waits for the next turn of the event loop, so work of one tick goes out together', async () => {
    const fanout = new FanOut();
    const log: string[] = [];
    const c = connection(log, 'c');
    fanout.enqueue({ size: 1, run: () => fanout.send(c, 'x') });
    fanout.enqueue({ size: 1, run: () => fanout.send(c, 'y') });
    expect(log).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['c hold', 'c send x', 'c send y', 'c release']);
  });
});
