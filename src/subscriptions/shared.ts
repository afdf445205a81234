import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater } from 'graphql-yoga';

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
}

interface Member {
  deliver(result: ExecutionResult): void;
  end(error?: unknown): void;
}

interface Hub {
  members: Set<Member>;
  iterator: AsyncIterator<ExecutionResult>;
}

/**
 * Identical subscriptions (same operation, variables and caller) share one execution: each event is executed
 * once and its result handed to every member, whatever transport it came by. Each member has a bounded queue;
 * one that falls behind is ended with SlowSubscriberError (and its transport told) while the others carry on.
 */
export class SharedSubscriptions {
  private readonly hubs = new Map<string, Hub>();
  /** Results executed, results handed to subscribers, and subscribers dropped as slow, since start. */
  executions = 0;
  deliveries = 0;
  dropped = 0;
  /** Subscribers now open. */
  subscribers = 0;

  constructor(private readonly maxQueued = 1000) {}

  get size(): number {
    return this.hubs.size;
  }

  async join(
    key: string,
    start: () => Promise<Stream | ExecutionResult> | Stream | ExecutionResult,
    hooks: SubscriberHooks = {},
  ): Promise<Stream | ExecutionResult> {
    let hub = this.hubs.get(key);
    if (!hub) {
      const first = await start();
      if (!isAsyncIterable(first)) return first;
      // another caller may have created it while we started
      hub = this.hubs.get(key) ?? this.open(key, first);
    }
    return this.member(key, hub, hooks);
  }

  private open(key: string, stream: Stream): Hub {
    const hub: Hub = { members: new Set(), iterator: stream[Symbol.asyncIterator]() };
    this.hubs.set(key, hub);
    void (async () => {
      try {
        for (;;) {
          const next = await hub.iterator.next();
          if (next.done) break;
          this.executions += 1;
          for (const m of hub.members) m.deliver(next.value);
        }
        for (const m of hub.members) m.end();
      } catch (e) {
        for (const m of hub.members) m.end(e);
      } finally {
        if (this.hubs.get(key) === hub) this.hubs.delete(key);
      }
    })();
    return hub;
  }

  private member(key: string, hub: Hub, hooks: SubscriberHooks): Stream {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      let pending = 0;
      let slow = false;
      const member: Member = {
        deliver: (result) => {
          if (slow) return;
          if (pending >= this.maxQueued || hooks.backlogged?.()) {
            slow = true;
            this.dropped += 1;
            hooks.onSlow?.();
            return stop(new SlowSubscriberError(this.maxQueued));
          }
          pending += 1;
          this.deliveries += 1;
          void push(result).then(() => void (pending -= 1));
        },
        end: (error) => stop(error),
      };
      hub.members.add(member);
      this.subscribers += 1;
      await stop;
      this.subscribers -= 1;
      hub.members.delete(member);
      if (hub.members.size === 0 && this.hubs.get(key) === hub) {
        this.hubs.delete(key);
        await hub.iterator.return?.();
      }
    });
  }
}
