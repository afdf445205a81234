import { UpstreamError } from '../../errors.js';
import type { HttpClient } from '../http.js';
import { RealtimeOverflowError, RealtimeParser } from './map.js';
import type { VideoloftSession } from './session.js';
import type { WireRealtime } from './wire.js';

export interface FeedOptions {
  http: HttpClient;
  session: VideoloftSession;
  /** Logger base URLs to listen to (read when the feed (re)connects: cameras move). */
  loggers: () => Promise<string[]>;
  /** Reconnect this often, before the logger's own 5-minute cut. */
  reconnectMs: number;
  onMessage: (m: WireRealtime) => void;
  /** A connection opened after an earlier one of the same logger ended: events may have been missed. */
  onReconnect: () => void;
  maxBackoffMs?: number;
}

/** Longest single message; a longer one (a reply that never closes its message) drops the connection. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * /cameras/realtime/live of each logger, parsed as it streams in bounded memory. Reconnects on schedule and
 * after any drop (with backoff after a failed connect or an oversized message) and says when it did, so the
 * source can catch up on what the gap hid.
 */
export class RealtimeFeed {
  private readonly controllers = new Set<AbortController>();
  private stopped = false;
  private up = 0;
  private readonly parsers = new Set<RealtimeParser>();
  /** Connections dropped for a message over the bound. */
  overflows = 0;

  constructor(private readonly opts: FeedOptions) {}

  /** Bytes held now for unfinished messages, over all connections. */
  get buffered(): number {
    let n = 0;
    for (const p of this.parsers) n += p.buffered;
    return n;
  }

  /** True while at least one logger connection is open. */
  get connected(): boolean {
    return this.up > 0;
  }

  start(): void {
    void this.opts.loggers().then(
      (loggers) => loggers.forEach((l) => void this.run(l)),
      () => this.retryStart(),
    );
  }

  private retryStart(): void {
    if (this.stopped) return;
    setTimeout(() => this.start(), 1000).unref?.();
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
  }

  private async run(logger: string): Promise<void> {
    let backoff = 500;
    let connections = 0;
    while (!this.stopped) {
      const controller = new AbortController();
      this.controllers.add(controller);
      const cut = setTimeout(() => controller.abort(), this.opts.reconnectMs);
      const parser = new RealtimeParser(MAX_MESSAGE_BYTES);
      let opened = false;
      let failed = false;
      try {
        const s = await this.opts.session.get();
        const res = await this.opts.http.stream({
          method: 'GET',
          url: `${logger}/cameras/realtime/live`,
          endpoint: 'GET realtime',
          headers: { authorization: `ManythingToken ${s.token}` },
          signal: controller.signal,
          bodyTimeoutMs: this.opts.reconnectMs + 60_000,
          retry: false,
        });
        // Once headers are in, the HTTP layer no longer watches the signal: the cut (scheduled, stop, or after a
        // failure) ends the body here.
        const endBody = () => res.body.destroy();
        if (controller.signal.aborted) endBody();
        else controller.signal.addEventListener('abort', endBody, { once: true });
        opened = true;
        this.up += 1;
        this.parsers.add(parser);
        if (connections++ > 0) this.opts.onReconnect();
        for await (const chunk of res.body) parser.push(chunk as Buffer).forEach((m) => this.opts.onMessage(m));
      } catch (e) {
        // Dropped, cut on schedule, refused, or a message without end. A refused token is renewed before the next try.
        if (e instanceof RealtimeOverflowError) {
          failed = true;
          this.overflows += 1;
        }
        if (e instanceof UpstreamError && e.status === 401) await this.opts.session.get((await this.opts.session.get()).token).catch(() => undefined);
      } finally {
        clearTimeout(cut);
        // The connection ends with the loop, whatever ended it.
        controller.abort();
        this.controllers.delete(controller);
        this.parsers.delete(parser);
        if (opened) this.up -= 1;
      }
      if (this.stopped) return;
      if (opened && !failed) {
        backoff = 500;
        continue;
      }
      await new Promise((r) => setTimeout(r, backoff).unref?.());
      backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
    }
  }
}
