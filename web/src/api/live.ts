import { createClient, type Client, type Sink } from 'graphql-ws/client';
import {
  DashboardDeviceChangedDocument,
  DashboardStreamChangedDocument,
  RecordingAddedDocument,
  SnapshotAddedDocument,
  SourceHealthChangedDocument,
} from '../../../operations/generated/graphql.ts';
import { store } from '../state/store.ts';
import { documentText, type Doc } from './documents.ts';
import { getKey } from './key.ts';

const MAX_RETRY_WAIT_MS = 5000;
/** graphql-ws gives up on some close codes (e.g. 4500); the page then starts a new client after this long. */
const RESTART_MS = 3000;
const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;

interface Live {
  stop(): void;
}

interface LiveOptions {
  /** the server refused the key on the socket */
  onAuthLost(): void;
  /** connected again after a drop: events may have been missed */
  onReconnected(): void;
}

function isCloseEvent(e: unknown): e is { code: number } {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'number';
}

/**
 * The page's one graphql-ws connection: eager, retried forever with a capped backoff; its five subscriptions update
 * the store in place (graphql-ws subscribes them again on every reconnect).
 */
export function startLive(opts: LiveOptions): Live {
  let client: Client | null = null;
  let everConnected = false;
  let dropped = false;
  let stopped = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribes: (() => void)[] = [];
  let authLost = false;
  // the close and each subscription's error report the same refusal: tell the page once
  const refused = () => {
    if (authLost) return;
    authLost = true;
    opts.onAuthLost();
  };

  const restart = () => {
    if (stopped || restartTimer) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      teardown();
      if (!stopped) connect();
    }, RESTART_MS);
  };

  function subscribe<TData, TVars>(c: Client, doc: Doc<TData, TVars>, onData: (data: TData) => void): void {
    const sink: Sink<{ data?: TData | null; errors?: readonly { message: string }[] }> = {
      next: (result) => {
        if (result.data) onData(result.data);
        else if (result.errors?.length) store.notice(`live updates: ${result.errors.map((e) => e.message).join('; ')}`);
      },
      error: (e) => {
        if (isCloseEvent(e) && (e.code === UNAUTHORIZED || e.code === FORBIDDEN)) return refused();
        // the server refused this one operation (an error message, not a close): say so, the rest keep running
        if (Array.isArray(e)) return store.notice(`live updates refused: ${e.map((x: { message?: string }) => x.message ?? '').join('; ')}`);
        restart();
      },
      complete: () => undefined,
    };
    unsubscribes.push(c.subscribe({ query: documentText(doc as Doc<unknown, never>) }, sink));
  }

  function connect(): void {
    const c = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: () => {
        const key = getKey();
        return key ? { Authorization: `Bearer ${key}` } : {};
      },
      lazy: false,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      keepAlive: 10_000,
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** retries) + Math.random() * 300)),
      on: {
        // after a drop the page says offline until the link is back, not "connecting" on every attempt
        connecting: () => store.setConn(dropped ? 'offline' : 'connecting'),
        connected: () => {
          store.setConn('connected');
          if (everConnected && dropped) opts.onReconnected();
          everConnected = true;
          dropped = false;
        },
        closed: (e) => {
          dropped = true;
          store.setConn('offline');
          if (isCloseEvent(e) && (e.code === UNAUTHORIZED || e.code === FORBIDDEN)) refused();
        },
      },
    });
    client = c;
    subscribe(c, DashboardDeviceChangedDocument, (d) => d.deviceChanged?.device && store.upsertDevice(d.deviceChanged.device));
    subscribe(c, DashboardStreamChangedDocument, (d) => d.streamChanged && store.upsertStream(d.streamChanged));
    subscribe(c, RecordingAddedDocument, (d) => d.recordingAdded && store.addRecording(d.recordingAdded));
    subscribe(c, SnapshotAddedDocument, (d) => {
      const s = d.snapshotAdded;
      if (s?.device) store.setSnapshot(s.device.id, { id: s.id, url: s.url, takenAt: s.takenAt, size: s.size });
    });
    subscribe(c, SourceHealthChangedDocument, (d) => d.sourceHealthChanged && store.upsertSource(d.sourceHealthChanged));
  }

  function teardown(): void {
    unsubscribes.forEach((u) => u());
    unsubscribes = [];
    void client?.dispose();
    client = null;
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(restartTimer);
      teardown();
    },
  };
}
