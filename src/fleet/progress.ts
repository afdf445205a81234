import { Repeater } from 'graphql-yoga';
import type { Runtime } from '../runtime.js';
import { fleetRuns } from './registry.js';
import type { FleetProgressEvent } from './results.js';

/** Which event this is, to drop the copy of one already handed on (replayed here, then arriving live). */
const eventKey = (e: FleetProgressEvent) => e.result?.deviceId ?? '';

/**
 * A fleet command's progress: every device's outcome, then the final event, and the stream ends. What this
 * process already recorded of the command is replayed first, so a subscriber that comes after the mutation
 * answered misses nothing; the rest arrives through the pub/sub (from another replica too, with Redis).
 */
export function fleetProgress(runtime: Runtime, fleetCommandId: string): AsyncIterable<FleetProgressEvent> {
  return new Repeater<FleetProgressEvent>(async (push, stop) => {
    const events = runtime.pubsub.subscribe('fleetCommandProgress')[Symbol.asyncIterator]();
    void stop.then(() => events.return?.());
    // Asking for the first event starts listening, before the replay is read: nothing falls in between.
    let next = events.next();
    const seen = new Set<string>();
    const handOn = async (e: FleetProgressEvent): Promise<boolean> => {
      const key = eventKey(e);
      if (seen.has(key)) return false;
      seen.add(key);
      await push(e);
      return e.result === null;
    };
    try {
      for (const e of fleetRuns(runtime).get(fleetCommandId)?.events ?? []) if (await handOn(e)) return;
      for (;;) {
        const got = await next;
        if (got.done) return;
        if (got.value.fleetCommandId === fleetCommandId && (await handOn(got.value))) return;
        next = events.next();
      }
    } finally {
      await events.return?.();
      stop();
    }
  });
}
