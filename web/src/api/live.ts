import { createClient, type Client, type Sink } from 'graphql-ws/client';
import {
  DashboardDeviceChangedDocument,
  DashboardStreamChangedDocument,
  RecordingAddedDocument,
  SnapshotAddedDocument,
  SourceHealthChangedDocument,
} from '../generated/graphql.ts';
import { store } from '../state/store.ts';
import { backoff } from './backoff.ts';
import { documentText, type Doc } from './documents.ts';
import { authHeaders } from './key.ts';

const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;
/** the notice key of live-update problems (`live:<feed>`): cleared once that feed runs again */
const NOTICE = 'live';
/** a feed subscribed again and not refused for this long counts as running again */
const SETTLED_MS = 2000;

interface Live {
  stop(): void;
}

interface LiveOptions {
  /** the server refused the key on the socket */
  onAuthLost(): void;
  /** the link is up: `again` after a drop, when events may have been missed */
  onConnected(again: boolean): void;
}

function isCloseEvent(e: unknown): e is { code: number } {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'number';
}

/**
 * The page's one graphql-ws connection: eager, retried forever with a capped, jittered backoff; its five
 * subscriptions update the store in place (graphql-ws subscribes them again on every reconnect). A subscription the
 * server ends or refuses is subscribed again with its own backoff, the header showing it paused meanwhile; a close
 * graphql-ws gives up on starts a new client, again after a backoff.
 */
export function startLive(opts: LiveOptions): Live {
  let client: Client | null = null;
  let everConnected = false;
  let dropped = false;
  let stopped = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let restarts = 0;
  const feeds: { stop(): void }[] = [];
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
    }, backoff(restarts++));
  };

  /** One subscription, subscribed again after the server ends or refuses it. */
  function feed<TData, TVars>(c: Client, name: string, doc: Doc<TData, TVars>, onData: (data: TData) => void): { stop(): void } {
    let retries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | null = null;
    let over = false;
    const running = () => {
      store.setFeedPaused(name, false);
      store.clear(`${NOTICE}:${name}`);
    };
    const pause = (why: string) => {
      unsubscribe = null;
      clearTimeout(settled);
      if (over) return;
      store.setFeedPaused(name, true);
      store.notice(`live ${name} updates paused (${why}); retrying…`, `${NOTICE}:${name}`);
      timer = setTimeout(start, backoff(retries++));
    };
    function start(): void {
      let mine = true;
      const sink: Sink<{ data?: TData | null; errors?: readonly { message: string }[] }> = {
        next: (result) => {
          if (!mine) return;
          retries = 0;
          running();
          if (result.data) onData(result.data);
          else if (result.errors?.length) store.notice(`live ${name} updates: ${result.errors.map((e) => e.message).join('; ')}`, `${NOTICE}:${name}`);
        },
        error: (e) => {
          if (!mine) return;
          mine = false;
          if (isCloseEvent(e) && (e.code === UNAUTHORIZED || e.code === FORBIDDEN)) return refused();
          // the server refused this one operation (an error message, not a close): the others keep running
          if (Array.isArray(e)) return pause(e.map((x: { message?: string }) => x.message ?? '').join('; '));
          restart();
        },
        complete: () => {
          if (!mine) return;
          mine = false;
          pause('the server ended them');
        },
      };
      const dispose = c.subscribe({ query: documentText(doc as Doc<unknown, never>) }, sink);
      if (retries > 0) settled = setTimeout(() => mine && running(), SETTLED_MS);
      unsubscribe = () => {
        mine = false;
        dispose();
      };
    }
    start();
    return {
      stop() {
        over = true;
        clearTimeout(timer);
        clearTimeout(settled);
        unsubscribe?.();
        store.setFeedPaused(name, false);
      },
    };
  }

  function connect(): void {
    const c = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: () => authHeaders(),
      lazy: false,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      keepAlive: 10_000,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoff(retries))),
      on: {
        // after a drop the page says offline until the link is back, not "connecting" on every attempt
        connecting: () => store.setConn(dropped ? 'offline' : 'connecting'),
        connected: () => {
          store.setConn('connected');
          restarts = 0;
          opts.onConnected(everConnected && dropped);
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
    feeds.push(
      feed(c, 'device', DashboardDeviceChangedDocument, (d) => d.deviceChanged?.device && store.upsertDevice(d.deviceChanged.device)),
      feed(c, 'stream', DashboardStreamChangedDocument, (d) => d.streamChanged && store.upsertStream(d.streamChanged)),
      feed(c, 'recording', RecordingAddedDocument, (d) => d.recordingAdded && store.addRecording(d.recordingAdded)),
      feed(c, 'snapshot', SnapshotAddedDocument, (d) => {
        const s = d.snapshotAdded;
        if (s?.device) store.setSnapshot(s.device.id, s);
      }),
      feed(c, 'source health', SourceHealthChangedDocument, (d) => d.sourceHealthChanged && store.upsertSource(d.sourceHealthChanged)),
    );
  }

  function teardown(): void {
    feeds.splice(0).forEach((f) => f.stop());
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
