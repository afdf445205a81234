import { Repeater } from 'graphql-yoga';
import type { Runtime } from '../runtime.js';
import type { FleetProgressEvent } from './results.js';

/** Which event this is, to drop the copy of one already handed on (replayed here, then arriving live). */
const eventKey = (e: FleetProgressEvent) => e.result?.deviceId ?? '';

/**
 * A fleet command's progress: every device's outcome, then the final event, and the stream ends. What is
 * recorded of the command (by this process, or by the replica running it, in Redis) is replayed first, so a
 * subscriber that comes after the mutation answered, or after the command finished, misses nothing; the rest
 * arrives through the pub/sub. Null when no replica knows the command.
 */
export async function fleetProgress(runtime: Runtime, fleetCommandId: string): Promise<AsyncIterable<FleetProgressEvent> | null> {
  const events = runtime.pubsub.subscribe('fleetCommandProgress')[Symbol.asyncIterator]();
  // Asking for the first event starts listening before the record is read: an event recorded after the read
  // is published after it too, so it arrives here.
  let next = events.next();
  const replay = await runtime.fleet.runs.replay(fleetCommandId);
  if (!replay) {
    await events.return?.();
    return null;
  }
  return new Repeater<FleetProgressEvent>(async (push, stop) => {
    void stop.then(() => events.return?.());
    const seen = new Set<string>();
    const handOn = async (e: FleetProgressEvent): Promise<boolean> => {
      const key = eventKey(e);
      if (seen.has(key)) return false;
      seen.add(key);
      await push(e);
      return e.result === null;
    };
    try {
      for (const e of replay) if (await handOn(e)) return;
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
