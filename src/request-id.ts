import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { Logger } from './log.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only when it is short and plain (it lands in logs and headers). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request being handled, for code (yoga's logger) that is not handed the request. */
const current = new AsyncLocalStorage<string>();

/** Adopts the caller's x-request-id if well-formed (else a new one), answers it, and handles the request under it. */
export function withRequestId(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  // yoga reads its Request from these headers: the context factory finds the id there
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  current.run(id, handle);
}

/** `log` with the current request's id on every line (itself outside a request). */
export function requestLog(log: Logger): Logger {
  const id = current.getStore();
  return id ? log.child({ requestId: id }) : log;
}

/** One line per operation, on the request's logger: name, kind, duration, error codes. */
export function useOperationLog(): Plugin<{ log?: Logger }> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const op = args.operationName ?? null;
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          const codes = ((result as ExecutionResult).errors ?? []).map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
          args.contextValue.log?.info({ operation: op, ms: Math.round(performance.now() - started), errors: codes }, 'graphql operation');
        },
      };
    },
    onSubscribe({ args }) {
      args.contextValue.log?.info({ operation: args.operationName ?? null }, 'graphql subscription started');
    },
  };
}
