import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Who may poll a source. In one process that is always this process; with Redis, one replica at a time
 * holds a lease per source, renews it while it wants it, and another takes over once it lapses.
 */
export interface Leadership {
  /** Follows the lease for `key`: `onChange(true)` when this replica may poll, `false` when it must stop. */
  follow(key: string, onChange: (leader: boolean) => void): () => void;
  close(): Promise<void>;
}

export const soloLeadership: Leadership & { replicaId: string } = {
  replicaId: 'solo',
  follow(_key, onChange) {
    onChange(true);
    return () => undefined;
  },
  async close() {},
};

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisLeadership implements Leadership {
  readonly replicaId = randomBytes(8).toString('hex');
  private readonly redis: Redis;
  private readonly follows = new Set<() => void>();

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    /** A lease lives this long unless renewed; it is renewed or sought every third of it. */
    private readonly leaseMs: number,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  }

  follow(key: string, onChange: (leader: boolean) => void): () => void {
    const redisKey = `${this.prefix}:lease:${key}`;
    let leader = false;
    let stopped = false;
    const set = (now: boolean) => {
      if (now === leader) return;
      leader = now;
      onChange(now);
    };
    const step = async () => {
      try {
        if (leader) {
          const renewed = await this.redis.eval(RENEW, 1, redisKey, this.replicaId, String(this.leaseMs));
          if (!stopped) set(renewed === 1);
        } else {
          const got = await this.redis.set(redisKey, this.replicaId, 'PX', this.leaseMs, 'NX');
          if (!stopped) set(got === 'OK');
        }
      } catch {
        // Redis unreachable: a lease that cannot be renewed is not held.
        if (!stopped) set(false);
      }
    };
    void step();
    const timer = setInterval(() => void step(), Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref?.();
    const release = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      this.follows.delete(release);
      if (leader) {
        leader = false;
        void this.redis.eval(RELEASE, 1, redisKey, this.replicaId).catch(() => undefined);
      }
    };
    this.follows.add(release);
    return release;
  }

  async close(): Promise<void> {
    for (const release of [...this.follows]) release();
    // let the releases reach Redis before quitting
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
