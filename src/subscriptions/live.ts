import { Repeater } from 'graphql-yoga';
import type { PubSub, Topics } from './pubsub.js';

/**
 * A subscription's event stream: joins the pollers it needs while it runs, maps and filters the topic's
 * events, and leaves the pollers the moment the client goes away. Stopping ends the topic iterator, which
 * settles its pending next(): no per-event race against the stop, so nothing is retained per event.
 */
export function live<K extends keyof Topics, T>(
  pubsub: PubSub,
  topic: K,
  acquire: () => () => void,
  select: (event: Topics[K]) => T | null | Promise<T | null>,
  /** Called before each event is handed on (e.g. to forget request-scoped caches between events). */
  fresh: () => void = () => undefined,
): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const release = acquire();
    const events = pubsub.subscribe(topic)[Symbol.asyncIterator]();
    void stop.then(() => events.return?.());
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) break;
        const out = await select(next.value);
        if (out === null) continue;
        fresh();
        await push(out);
      }
    } finally {
      release();
      await events.return?.();
    }
  });
}
