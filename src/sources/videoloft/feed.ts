import { UpstreamError } from '../../errors.js';
import type { HttpClient } from '../http.js';
import { parseRealtime } from './map.js';
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

/**
 * /cameras/realtime/live of each logger, parsed as it streams. Reconnects on schedule and after any drop
 * (with backoff) and says when it did, so the source can catch up on what the gap hid.
 */
export class RealtimeFeed {
  private readonly controllers = new Set<AbortController>();
  private stopped = false;
  private up = 0;

  constructor(private readonly opts: FeedOptions) {}

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
      let opened = false;
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
        opened = true;
        this.up += 1;
        backoff = 500;
        if (connections++ > 0) this.opts.onReconnect();
        let buffer = '';
        for await (const chunk of res.body) {
          const { messages, rest } = parseRealtime(buffer + (chunk as Buffer).toString('utf8'));
          buffer = rest;
          messages.forEach((m) => this.opts.onMessage(m));
        }
      } catch (e) {
        // Dropped, cut on schedule, or refused. A refused token is renewed before the next try.
        if (e instanceof UpstreamError && e.status === 401) await this.opts.session.get((await this.opts.session.get()).token).catch(() => undefined);
      } finally {
        clearTimeout(cut);
        this.controllers.delete(controller);
        if (opened) this.up -= 1;
      }
      if (this.stopped) return;
      if (!opened) {
        await new Promise((r) => setTimeout(r, backoff).unref?.());
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
      }
    }
  }
}
