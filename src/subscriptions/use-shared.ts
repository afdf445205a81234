import { print, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import type { Context } from '../context.js';
import type { SharedSubscriptions, SubscriberHooks } from './shared.js';

/** WebSocket close code for a subscriber that fell too far behind. */
export const SLOW_SUBSCRIBER_CLOSE = 4429;
/** A slow client gets its close frame behind the data it has not read; past this it is cut without one. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/** graphql-ws operations carry their socket in the context (see server.ts); SSE ones do not. */
export interface SocketContext {
  socket?: WebSocket;
}

function closeSlow(socket: WebSocket): void {
  socket.close(SLOW_SUBSCRIBER_CLOSE, 'subscriber too slow: too many unread events');
  const cut = setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

/**
 * Identical subscriptions of one caller share one execution per event, over graphql-ws and SSE alike, with the
 * same queue bound. A graphql-ws subscriber that falls behind loses its connection (close 4429): graphql-ws
 * waits for each send, so a client that stops reading would otherwise hold its events forever.
 */
export function useSharedSubscriptions(shared: SharedSubscriptions, maxSocketBufferBytes: number): Plugin<Context & SocketContext> {
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const ctx = args.contextValue;
      const key = JSON.stringify([ctx.caller.name, print(args.document), args.operationName ?? null, args.variableValues ?? null]);
      const socket = ctx.socket;
      const hooks: SubscriberHooks = socket
        ? { backlogged: () => socket.bufferedAmount > maxSocketBufferBytes, onSlow: () => closeSlow(socket) }
        : {};
      setSubscribeFn((a) => shared.join(key, () => subscribeFn(a) as Promise<AsyncIterable<ExecutionResult> | ExecutionResult>, hooks) as never);
    },
  };
}
