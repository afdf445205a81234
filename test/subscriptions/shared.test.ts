import type { ExecutionResult } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { SharedSubscriptions, SlowSubscriberError } from '../../src/subscriptions/shared.js';

/** A source stream the test pushes results into, and which says when it was ended. */
function source() {
  let push!: (r: ExecutionResult) => Promise<unknown>;
  let ended = false;
  const stream = new Repeater<ExecutionResult>(async (p, stop) => {
    push = p;
    await stop;
    ended = true;
  });
  return { stream, push: (n: number) => push({ data: { n } }), ended: () => ended };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('shared subscriptions', () => {
  it('executes once per event for identical subscriptions and hands the result to each', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    let starts = 0;
    const start = () => {
      starts += 1;
      return src.stream;
    };
    const a = (await shared.join('k', start)) as AsyncIterable<ExecutionResult>;
    const b = (await shared.join('k', start)) as AsyncIterable<ExecutionResult>;
    expect(starts).toBe(1);
    const ia = a[Symbol.asyncIterator]();
    const ib = b[Symbol.asyncIterator]();
    const na = ia.next();
    const nb = ib.next();
    await tick();
    void src.push(1);
    expect((await na).value).toEqual({ data: { n: 1 } });
    expect((await nb).value).toBe((await na).value);
    expect(shared.executions).toBe(1);
    expect(shared.deliveries).toBe(2);

    await ia.return!();
    await tick();
    expect(src.ended()).toBe(false);
    const nb2 = ib.next();
    void src.push(2);
    expect((await nb2).value).toEqual({ data: { n: 2 } });
    await ib.return!();
    await tick();
    expect(src.ended()).toBe(true);
    expect(shared.size).toBe(0);
  });

  it('ends a subscriber that stops reading once its queue is full, and keeps the others', async () => {
    const shared = new SharedSubscriptions(3);
    const src = source();
    const slow = ((await shared.join('k', () => src.stream)) as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    const fast = ((await shared.join('k', () => src.stream)) as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    const first = slow.next();
    const got: unknown[] = [];
    const reading = (async () => {
      for (;;) {
        const n = await fast.next();
        if (n.done) return;
        got.push(n.value);
      }
    })();
    await tick();
    for (let i = 0; i < 8; i++) {
      void src.push(i);
      await tick();
    }
    expect((await first).value).toEqual({ data: { n: 0 } });
    // what was queued before the limit still arrives, then the subscription ends with the reason
    const queued: unknown[] = [];
    const error = await (async () => {
      for (;;) {
        try {
          const n = await slow.next();
          if (n.done) return null;
          queued.push(n.value);
        } catch (e) {
          return e;
        }
      }
    })();
    expect(error).toBeInstanceOf(SlowSubscriberError);
    expect(queued.length).toBeLessThanOrEqual(3);
    expect(got).toHaveLength(8);
    await fast.return!();
    await reading;
  });

  it('passes a non-stream result (an error) straight through without sharing', async () => {
    const shared = new SharedSubscriptions();
    const result = await shared.join('k', () => ({ errors: [] }));
    expect(result).toEqual({ errors: [] });
    expect(shared.size).toBe(0);
  });
});
