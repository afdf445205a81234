import type { IncomingMessage } from 'node:http';
import { print, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import type { Context } from '../context.js';
import { nextFramePrefix, webSocketConnection, type Connection } from './frames.js';
import type { SharedSubscriptions, SubscriberHooks } from './shared.js';

/** WebSocket close code for a subscriber that fell too far behind. */
export const SLOW_SUBSCRIBER_CLOSE = 4429;
/** A slow client gets its close frame behind the data it has not read; past this it is cut without one. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/** graphql-ws operations carry their socket, their operation id and the upgrade request in the context (see server.ts); SSE ones do not. */
export interface SocketContext {
  socket?: WebSocket;
  operationId?: string;
  req?: IncomingMessage;
}

function closeSlow(socket: WebSocket): void {
  socket.close(SLOW_SUBSCRIBER_CLOSE, 'subscriber too slow: too many unread events');
  const cut = setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

/**
 * Identical subscriptions of one caller share one execution per event, over graphql-ws and SSE alike, with the
 * same queue bound. A graphql-ws subscriber that falls behind loses its connection (close 4429): a client that
 * stops reading would otherwise hold its events forever.
 *
 * Over graphql-ws, a shared result without errors is serialised once and written to every subscriber's socket
 * as a `next` frame (graphql-ws still does the rest of the protocol: subscribe, complete, errors, close). The
 * per-subscriber result hooks of the envelop chain are thereby skipped for those results; the only one in use,
 * error masking, changes nothing in a result without errors, and results with errors take each subscriber's
 * own chain. SSE subscribers share the execution and keep their own serialisation (yoga's).
 */
export function useSharedSubscriptions(shared: SharedSubscriptions, maxSocketBufferBytes: number): Plugin<Context & SocketContext> {
  const connections = new WeakMap<WebSocket, Connection>();
  const connection = (socket: WebSocket, raw: IncomingMessage['socket'] | undefined) => {
    let c = connections.get(socket);
    if (!c) connections.set(socket, (c = webSocketConnection(socket, raw)));
    return c;
  };
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const ctx = args.contextValue;
      const key = JSON.stringify([ctx.caller.name, print(args.document), args.operationName ?? null, args.variableValues ?? null]);
      const { socket, operationId } = ctx;
      const hooks: SubscriberHooks = socket
        ? {
            backlogged: () => socket.bufferedAmount > maxSocketBufferBytes,
            onSlow: () => closeSlow(socket),
            frames: operationId === undefined ? undefined : { prefix: nextFramePrefix(operationId), connection: connection(socket, ctx.req?.socket) },
          }
        : {};
      setSubscribeFn((a) => shared.join(key, () => subscribeFn(a) as Promise<AsyncIterable<ExecutionResult> | ExecutionResult>, hooks) as never);
    },
  };
}
