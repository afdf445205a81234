import type { ExecutionResult } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';
import { FanOut } from './fanout.js';
import { nextFrame, sharedPayload, type Connection } from './frames.js';

type Stream = AsyncIterable<ExecutionResult>;

/** A subscriber fell behind: more results were waiting for it than allowed. */
export class SlowSubscriberError extends Error {
  constructor(limit: number) {
    super(`subscriber too slow: more than ${limit} events waiting; resubscribe when ready`);
    this.name = 'SlowSubscriberError';
  }
}

/** What the transport tells the hub about one subscriber. */
export interface SubscriberHooks {
  /** The transport's own buffer is over its bound (a WebSocket's unsent bytes). */
  backlogged?: () => boolean;
  /** Called once when the subscriber is dropped for being slow, so the transport can cut it. */
  onSlow?: () => void;
  /**
   * A graphql-ws subscriber: while its consumer waits with nothing queued, a result without errors is written
   * to the connection as a frame (this prefix, the payload serialised once for all, a brace) instead of
   * passing through its own stream.
   */
  frames?: { prefix: string; connection: Connection };
}

/**
 * One subscriber's stream: results queued for it, then its end. Its consumer waiting in next() with nothing
 * queued means every result handed to it has been dealt with (graphql-ws asks for the next one only once
 * the previous frame is sent): only then may a frame be written around it without overtaking anything.
 */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: unknown) => void } | null = null;
  /** Set when it ends: after what is queued, done (null) or this error. */
  private end: { error: unknown } | null = null;
  /** Out of the hub: nothing more is delivered to it. */
  closed = false;

  constructor(
    readonly hooks: SubscriberHooks,
    private readonly leave: () => void,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Its consumer waits in next() with nothing queued. */
  get idle(): boolean {
    return this.waiting !== null;
  }

  push(result: ExecutionResult): void {
    const w = this.waiting;
    this.waiting = null;
    if (w) w.resolve({ value: result, done: false });
    else this.queue.push(result);
  }

  /** Ends it behind what is queued, with `error` if given, and takes it out of the hub. */
  finish(error?: unknown): void {
    if (this.closed) return;
    this.end = { error };
    this.close();
    const w = this.waiting;
    this.waiting = null;
    if (w) this.settle(w);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    return new Promise((resolve, reject) => {
      if (this.end) this.settle({ resolve, reject });
      else this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settle(w: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: unknown) => void }): void {
    const error = this.end?.error;
    // the error is told once; after it the stream is simply done
    this.end = { error: undefined };
    if (error === undefined) w.resolve({ value: undefined, done: true });
    else w.reject(error);
  }

  private close(): void {
    this.closed = true;
    this.leave();
  }
}

interface Hub {
  key: string;
  members: Set<Member>;
  iterator: AsyncIterator<ExecutionResult> | null;
  /** Resolves true once the source stream runs, false if starting it gave a single result or failed. */
  opened: Promise<boolean>;
  /** No longer takes members: its source ended, or every member left. */
  closed: boolean;
  /** Results taken from the source and not yet handed to every member. */
  backlog: number;
  /** Set while the hub waits for its backlog to shrink before taking more from the source. */
  drained: (() => void) | null;
}

/**
 * Identical subscriptions (same operation, variables and caller) share one execution: each event is executed
 * once and its result handed to every member, whatever transport it came by. graphql-ws members get a frame
 * serialised once for all; others (SSE) get the result through their own stream. Hand-outs run in time slices
 * (FanOut). Each member is bounded: one with more than `maxQueued` results waiting, or whose transport is
 * backlogged, is ended with SlowSubscriberError (and its transport told) while the others carry on. A hub whose
 * results are not handed out yet (a busy server, not a slow client) stops taking more at `maxQueued`.
 */
export class SharedSubscriptions {
  private readonly hubs = new Map<string, Hub>();
  private readonly fanout: FanOut;
  /** Results executed, results handed to subscribers, and subscribers dropped as slow, since start. */
  executions = 0;
  deliveries = 0;
  dropped = 0;
  /** Results serialised into graphql-ws frames: once per result, however many subscribers it goes to. */
  serialised = 0;
  /** Subscribers now open. */
  subscribers = 0;

  constructor(
    private readonly maxQueued = 1000,
    sliceMs?: number,
  ) {
    this.fanout = new FanOut(sliceMs);
  }

  get size(): number {
    return this.hubs.size;
  }

  async join(
    key: string,
    start: () => Promise<Stream | ExecutionResult> | Stream | ExecutionResult,
    hooks: SubscriberHooks = {},
  ): Promise<Stream | ExecutionResult> {
    const existing = this.hubs.get(key);
    if (existing) {
      // opened by another caller: join it, or start afresh if it did not become a stream or is over
      if (!(await existing.opened) || existing.closed) return this.join(key, start, hooks);
      return this.member(existing, hooks);
    }
    let opened!: (ok: boolean) => void;
    const opening = new Promise<boolean>((r) => (opened = r));
    const hub: Hub = { key, members: new Set(), iterator: null, opened: opening, closed: false, backlog: 0, drained: null };
    // registered before starting, so callers arriving meanwhile wait for this start instead of making their own
    this.hubs.set(key, hub);
    let first: Stream | ExecutionResult;
    try {
      first = await start();
    } catch (e) {
      this.drop(hub);
      opened(false);
      throw e;
    }
    if (!isAsyncIterable(first)) {
      this.drop(hub);
      opened(false);
      return first;
    }
    hub.iterator = first[Symbol.asyncIterator]();
    this.run(hub);
    const member = this.member(hub, hooks);
    opened(true);
    return member;
  }

  /** The hub takes no more members; callers with its key start a new one. */
  private drop(hub: Hub): void {
    hub.closed = true;
    if (this.hubs.get(hub.key) === hub) this.hubs.delete(hub.key);
  }

  private run(hub: Hub): void {
    void (async () => {
      let error: unknown;
      try {
        for (;;) {
          // the fan-out is behind by a full queue: results wait upstream (the topic's own bounded buffer) meanwhile
          if (hub.backlog >= this.maxQueued) await new Promise<void>((resolve) => (hub.drained = resolve));
          const next = await hub.iterator!.next();
          if (next.done) break;
          this.executions += 1;
          this.publish(hub, next.value);
        }
      } catch (e) {
        error = e;
      }
      this.drop(hub);
      // members end behind the results still on their way to them
      const members = [...hub.members];
      this.fanout.enqueue({ size: members.length, run: (i) => members[i]!.finish(error) });
    })();
  }

  private publish(hub: Hub, result: ExecutionResult): void {
    const members = [...hub.members];
    hub.backlog += 1;
    /** The frame payload: undefined until a graphql-ws member needs it, null when the result carries errors. */
    let payload: string | null | undefined;
    this.fanout.enqueue({
      size: members.length,
      done: () => {
        hub.backlog -= 1;
        const drained = hub.drained;
        hub.drained = null;
        drained?.();
      },
      run: (i) => {
        const m = members[i]!;
        if (m.closed) return;
        if (m.pending >= this.maxQueued || m.hooks.backlogged?.()) return this.cut(m);
        const frames = m.hooks.frames;
        if (frames && m.idle) {
          if (payload === undefined) {
            payload = sharedPayload(result);
            if (payload !== null) this.serialised += 1;
          }
          if (payload !== null) {
            this.deliveries += 1;
            return this.fanout.send(frames.connection, nextFrame(frames.prefix, payload));
          }
        }
        this.deliveries += 1;
        m.push(result);
      },
    });
  }

  private cut(m: Member): void {
    this.dropped += 1;
    m.hooks.onSlow?.();
    m.finish(new SlowSubscriberError(this.maxQueued));
  }

  private member(hub: Hub, hooks: SubscriberHooks): Stream {
    const member: Member = new Member(hooks, () => {
      hub.members.delete(member);
      this.subscribers -= 1;
      if (hub.members.size > 0 || hub.closed) return;
      this.drop(hub);
      void hub.iterator?.return?.()?.catch(() => undefined);
    });
    hub.members.add(member);
    this.subscribers += 1;
    return member;
  }
}
