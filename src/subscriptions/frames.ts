import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

/**
 * graphql-ws `next` frames for a result shared by many subscribers. graphql-ws writes
 * JSON.stringify({ id, type: 'next', payload }), whose bytes differ between subscribers only in the id: the
 * payload is serialised once per result and each frame is the subscriber's prefix, that payload and a brace.
 */

/** Everything of a `next` frame before its payload, for the operation `id` (kept per subscriber). */
export function nextFramePrefix(id: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":`;
}

/**
 * The payload of a `next` frame as graphql-ws builds it (the result without its `errors` key), or null for a
 * result that carries errors: those go through each subscriber's own pipeline, which masks them.
 */
export function sharedPayload(result: ExecutionResult): string | null {
  if (result.errors != null) return null;
  const { errors: _none, ...rest } = result;
  return JSON.stringify(rest);
}

export function nextFrame(prefix: string, payload: string): string {
  return prefix + payload + '}';
}

/** One WebSocket as the fan-out writes to it: frames can be held back and then written together. */
export interface Connection {
  send(frame: string): void;
  /** Frames sent from now on wait in memory until release (one write for many frames). */
  hold(): void;
  release(): void;
}

/**
 * `raw` is the TCP socket under the WebSocket (the upgrade request's socket, which ws writes to): corking it
 * makes the frames of a whole slice one write instead of one per frame.
 */
export function webSocketConnection(ws: WebSocket, raw: Socket | undefined): Connection {
  return {
    // no callback: nothing to wait for, and a socket that closed meanwhile drops the frame (ws's sendAfterClose)
    send: (frame) => ws.send(frame),
    hold: () => raw?.cork(),
    release: () => raw?.uncork(),
  };
}
