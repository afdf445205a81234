import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from '../json-dates.js';
import type { RedisLink } from '../subscriptions/redis-link.js';

/** A value and when the read that produced it began (ms since the epoch). */
export interface Stamped<T> {
  value: T;
  at: number;
}

/**
 * Reads that replicas share: the latest value of a key made by any replica, if it is fresh enough; otherwise one
 * replica at a time reads upstream and leaves the value for the others. Without Redis (or while it is away)
 * every read is this replica's own.
 */
export interface SharedReads {
  read<T>(key: string, maxAgeMs: number, read: () => Promise<T>): Promise<Stamped<T>>;
  /** Gives up what this replica holds (it is closing). */
  close?(): Promise<void>;
}

export const localReads: SharedReads = {
  async read(_key, _maxAgeMs, read) {
    const at = Date.now();
    return { value: await read(), at };
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/**
 * A read lock lives this long unless its holder renews it (every third of it, while the read runs): a replica that
 * dies mid-read holds the others up about this long, not the read's whole time bound.
 */
const HOLD_MS = 1_000;

export class RedisReads implements SharedReads {
  private readonly owner = randomBytes(8).toString('hex');
  /** Keys this replica is reading now. */
  private readonly held = new Set<string>();

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    /** How long a replica waits for another's read of a key before reading alone: a read's own time bound. */
    private readonly lockMs: number,
    /** How long a value stays in Redis at all, fresh or not. */
    private readonly keepMs = 10 * 60_000,
  ) {}

  async read<T>(key: string, maxAgeMs: number, read: () => Promise<T>): Promise<Stamped<T>> {
    const valueKey = `${this.prefix}:state:${key}`;
    const lockKey = `${valueKey}:reading`;
    const until = Date.now() + this.lockMs;
    let wait = 10;
    while (this.link.up && Date.now() < until) {
      let mine = false;
      try {
        const found = await this.get<T>(valueKey);
        if (found && Date.now() - found.at <= maxAgeMs) return found;
        mine = (await this.link.commands.set(lockKey, this.owner, 'PX', HOLD_MS, 'NX')) === 'OK';
      } catch (e) {
        this.link.commandFailed(e);
        break; // Redis failed us: read alone
      }
      if (mine) {
        this.held.add(lockKey);
        const renew = setInterval(() => void this.link.commands.eval(RENEW, 1, lockKey, this.owner, HOLD_MS).catch(() => undefined), HOLD_MS / 3);
        renew.unref();
        try {
          const at = Date.now();
          const value = await read();
          await this.link.commands.set(valueKey, serialize({ value, at }), 'PX', this.keepMs).catch(() => undefined);
          return { value, at };
        } finally {
          clearInterval(renew);
          this.held.delete(lockKey);
          await this.release(lockKey);
        }
      }
      // another replica is reading it: its value will be here in a moment (look less often the longer it takes)
      await sleep(wait);
      wait = Math.min(wait * 2, 250);
    }
    return localReads.read(key, maxAgeMs, read);
  }

  /** A closing replica lets go of the keys it is reading, so the others need not wait out their locks. */
  async close(): Promise<void> {
    const keys = [...this.held];
    this.held.clear();
    await Promise.all(keys.map((k) => this.release(k)));
  }

  private release(lockKey: string): Promise<unknown> {
    return this.link.commands.eval(RELEASE, 1, lockKey, this.owner).catch(() => undefined);
  }

  private async get<T>(key: string): Promise<Stamped<T> | null> {
    const text = await this.link.commands.get(key);
    return text ? (deserialize(text) as Stamped<T>) : null;
  }
}
