import { GraphQLError, type ExecutionResult } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import { Repeater } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { nextFramePrefix, type Connection } from '../../src/subscriptions/frames.js';
import { SharedSubscriptions, SlowSubscriberError, type SubscriberHooks } from '../../src/subscriptions/shared.js';

/** A source stream the test pushes results into. */
function source() {
  let push!: (r: ExecutionResult) => Promise<unknown>;
  const stream = new Repeater<ExecutionResult>(async (p, stop) => {
    push = p;
    await stop;
  });
  return { stream, push: (r: ExecutionResult) => void push(r) };
}

/** A graphql-ws connection that records the frames written to it. */
function socket() {
  const frames: string[] = [];
  const connection: Connection = { send: (f) => void frames.push(f), hold: () => undefined, release: () => undefined };
  return { frames, connection };
}

const settle = () => new Promise((r) => setTimeout(r, 5));
const ok = (n: number): ExecutionResult => ({ data: { n } });

/** Joins as graphql-ws would: its consumer starts waiting in next() at once, as graphql-ws's for-await does. */
type Start = () => AsyncIterable<ExecutionResult> | Promise<AsyncIterable<ExecutionResult>>;

async function wsMember(shared: SharedSubscriptions, start: Start, id: string, conn: Connection, extra: SubscriberHooks = {}) {
  const hooks: SubscriberHooks = { frames: { prefix: nextFramePrefix(id), connection: conn }, ...extra };
  const it = ((await shared.join('k', start, hooks)) as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
  return { it, first: it.next() };
}

describe('shared subscriptions over graphql-ws frames', () => {
  it('serialises a result once and writes each subscriber its frame, with its own id', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    const conns = [socket(), socket()];
    const members = [];
    for (const [i, id] of ['a', 'b', 'c'].entries()) members.push(await wsMember(shared, () => src.stream, id, conns[i % 2]!.connection));
    await settle();
    src.push(ok(1));
    await settle();
    expect(shared.serialised).toBe(1);
    expect(shared.executions).toBe(1);
    expect(shared.deliveries).toBe(3);
    const frame = (id: string) => stringifyMessage({ id, type: MessageType.Next, payload: ok(1) });
    expect(conns[0]!.frames).toEqual([frame('a'), frame('c')]);
    expect(conns[1]!.frames).toEqual([frame('b')]);
    // nothing went through the streams themselves: graphql-ws is still waiting on them
    const pending = await Promise.race([members[0]!.first.then(() => 'resolved'), settle().then(() => 'pending')]);
    expect(pending).toBe('pending');
    await Promise.all(members.map((m) => m.it.return!()));
    expect(shared.size).toBe(0);
  });

  it('hands results with errors to the stream, and keeps order until the consumer waits again', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    const conn = socket();
    const m = await wsMember(shared, () => src.stream, '1', conn.connection);
    await settle();
    const failed: ExecutionResult = { data: null, errors: [new GraphQLError('boom')] };
    src.push(failed);
    src.push(ok(2));
    await settle();
    // the errors result and the one behind it both wait in the stream: no frame may overtake them
    expect(conn.frames).toEqual([]);
    expect((await m.first).value).toBe(failed);
    expect((await m.it.next()).value).toEqual(ok(2));
    // the consumer waits again: frames resume
    const third = m.it.next();
    src.push(ok(3));
    await settle();
    expect(conn.frames.map((f) => JSON.parse(f).payload)).toEqual([ok(3)]);
    expect(shared.deliveries).toBe(3);
    void third;
    await m.it.return!();
  });

  it('queues results in the stream until graphql-ws first asks for one', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    const conn = socket();
    const hooks: SubscriberHooks = { frames: { prefix: nextFramePrefix('1'), connection: conn.connection } };
    const it = ((await shared.join('k', () => src.stream, hooks)) as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    // join() starts the source and pulls from it; the member's own consumer has not asked yet
    await settle();
    src.push(ok(1));
    await settle();
    expect(conn.frames).toEqual([]);
    expect((await it.next()).value).toEqual(ok(1));
    await it.return!();
  });

  it('starts one source for identical subscriptions that arrive together', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    let starts = 0;
    const start = async () => {
      starts += 1;
      await settle();
      return src.stream;
    };
    const conn = socket();
    const members = await Promise.all(['a', 'b', 'c'].map((id) => wsMember(shared, start, id, conn.connection)));
    expect(starts).toBe(1);
    await settle();
    src.push(ok(1));
    await settle();
    expect(conn.frames.map((f) => JSON.parse(f).id)).toEqual(['a', 'b', 'c']);
    await Promise.all(members.map((m) => m.it.return!()));
    expect(shared.size).toBe(0);
  });

  it('takes no more from the source while a full queue of results waits to go out, and cuts no one for it', async () => {
    const shared = new SharedSubscriptions(2);
    let pulls = 0;
    const ready = [1, 2, 3, 4, 5].map(ok);
    // a source with five results ready at once, as a poll finding many changes makes
    const burst: AsyncIterable<ExecutionResult> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ((pulls += 1), ready.length ? { value: ready.shift()!, done: false } : new Promise<IteratorResult<ExecutionResult>>(() => undefined)),
        return: async () => ({ value: undefined, done: true }),
      }),
    };
    const conn = socket();
    const m = await wsMember(shared, () => burst, '1', conn.connection);
    for (let i = 0; i < 50; i++) await Promise.resolve();
    // before the fan-out's turn: two results wait in it, and the hub has stopped pulling
    expect(pulls).toBe(2);
    await settle();
    expect(conn.frames.map((f) => JSON.parse(f).payload)).toEqual([1, 2, 3, 4, 5].map(ok));
    expect(shared.dropped).toBe(0);
    await m.it.return!();
  });

  it('cuts a backlogged subscriber alone: the others keep their frames', async () => {
    const shared = new SharedSubscriptions(10);
    const src = source();
    let backlogged = false;
    const slowConn = socket();
    const fastConn = socket();
    let told = 0;
    const slow = await wsMember(shared, () => src.stream, 'slow', slowConn.connection, { backlogged: () => backlogged, onSlow: () => void (told += 1) });
    const slowEnd = slow.first.then(
      () => null,
      (e: unknown) => e,
    );
    const fast = await wsMember(shared, () => src.stream, 'fast', fastConn.connection);
    await settle();
    src.push(ok(1));
    await settle();
    backlogged = true;
    src.push(ok(2));
    src.push(ok(3));
    await settle();
    expect(told).toBe(1);
    expect(shared.dropped).toBe(1);
    expect(slowConn.frames).toHaveLength(1);
    expect(await slowEnd).toBeInstanceOf(SlowSubscriberError);
    expect(fastConn.frames.map((f) => JSON.parse(f).payload)).toEqual([ok(1), ok(2), ok(3)]);
    expect(shared.subscribers).toBe(1);
    await fast.it.return!();
  });
});
