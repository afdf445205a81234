import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';

/**
 * This replica's connection to Redis: one client for commands, one subscribed to avgraph's channels. Commands
 * fail at once while Redis is away (no offline queue, so nothing waits and nothing rejects later unhandled);
 * callers ask `up`/`down` and fall back to working alone. Reconnects by itself and says when the state changes.
 */
export class RedisLink {
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private subscribed = false;
  /** A connection has failed at least once: from then on "not up" means down, not "still connecting". */
  private failed = false;
  private reported: 'up' | 'down' | null = null;
  private readonly stateListeners = new Set<(up: boolean) => void>();
  private readonly messageListeners = new Set<(channel: string, message: string) => void>();

  constructor(
    url: string,
    /** Channels this replica listens to, as a Redis glob pattern. */
    private readonly pattern: string,
    private readonly log: Logger,
  ) {
    const options: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // a Redis that stops answering without closing the connection (a partition) is found out in a second
      commandTimeout: 1_000,
      keepAlive: 10_000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
    };
    this.commands = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, autoResubscribe: false });
    for (const client of [this.commands, this.subscriber]) {
      // Every failed reconnect emits 'error'; the state change is logged once below instead.
      client.on('error', () => this.markFailed());
      client.on('close', () => this.markFailed());
      client.on('ready', () => this.update());
    }
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      for (const fn of this.messageListeners) fn(channel, message);
    });
  }

  /** Commands go through and published messages come back. */
  get up(): boolean {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready' && this.subscribed;
  }

  /** Known to be unreachable (not merely still connecting at start-up). */
  get down(): boolean {
    return !this.up && this.failed;
  }

  /**
   * A command failed: if it timed out, the connection is not to be trusted (a partition keeps it "ready" for
   * minutes), so both are dropped and reconnected, which makes the replica work alone meanwhile.
   */
  commandFailed(error: unknown): void {
    if (!(error instanceof Error) || !/timed out/i.test(error.message)) return;
    this.commands.disconnect(true);
    this.subscriber.disconnect(true);
  }

  onStateChange(listener: (up: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onMessage(listener: (channel: string, message: string) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.stateListeners.clear();
    this.messageListeners.clear();
    await Promise.all([this.commands, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.psubscribe(this.pattern);
      this.subscribed = true;
    } catch {
      // the connection went again; the next 'ready' subscribes
    }
    this.update();
  }

  private markFailed(): void {
    this.failed = true;
    if (this.subscriber.status !== 'ready') this.subscribed = false;
    this.update();
  }

  private update(): void {
    const state = this.up ? 'up' : this.down ? 'down' : null;
    if (!state || state === this.reported) return;
    this.reported = state;
    if (state === 'up') this.log.info('redis reachable: events, polling leases, device reads and rate budgets shared with the other replicas');
    else this.log.warn('redis unreachable: this replica polls, reads and limits on its own until it returns');
    for (const fn of this.stateListeners) fn(state === 'up');
  }
}
