import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis-link.js';

/**
 * What this replica does for a source: `leader` polls it for every replica, `follower` leaves that to another
 * replica, `local` polls it for this replica's own subscribers because Redis (and so every other replica) is
 * out of reach.
 */
export type Role = 'leader' | 'follower' | 'local';

/**
 * Who may poll a source. In one process that is always this process; with Redis, one replica at a time
 * holds a lease per source, renews it while it wants it, and another takes over once it lapses.
 */
export interface Leadership {
  readonly replicaId: string;
  /** Follows the lease for `key`, telling `onChange` each change of this replica's role. */
  follow(key: string, onChange: (role: Role) => void): () => void;
  close(): Promise<void>;
}

export const soloLeadership: Leadership = {
  replicaId: 'solo',
  follow(_key, onChange) {
    onChange('leader');
    return () => undefined;
  },
  async close() {},
};

/** Renews the lease if this replica holds it (its key survived an outage, say), else takes it if free. */
const HOLD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) elseif redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisLeadership implements Leadership {
  readonly replicaId = randomBytes(8).toString('hex');
  private readonly follows = new Set<() => void>();

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    /** A lease lives this long unless renewed; it is renewed or sought every third of it. */
    private readonly leaseMs: number,
  ) {}

  follow(key: string, onChange: (role: Role) => void): () => void {
    const redisKey = `${this.prefix}:lease:${key}`;
    const redis = this.link.commands;
    let role: Role = 'follower';
    let holding = false;
    let stopped = false;
    let stepping = false;
    /** A step was asked for while one ran: run again right after. */
    let again = false;
    const set = (next: Role) => {
      if (stopped || next === role) return;
      role = next;
      onChange(next);
    };
    const step = async (): Promise<void> => {
      if (stopped) return;
      if (stepping) {
        again = true;
        return;
      }
      if (!this.link.up) {
        // Out of reach: whatever lease this replica had lapses; it serves its own subscribers meanwhile.
        holding = false;
        if (this.link.down) set('local');
        return;
      }
      stepping = true;
      try {
        holding = (await redis.eval(HOLD, 1, redisKey, this.replicaId, String(this.leaseMs))) === 1;
        set(holding ? 'leader' : 'follower');
      } catch (e) {
        // A lease that cannot be renewed is not held. Redis gone: poll alone rather than not at all.
        holding = false;
        this.link.commandFailed(e);
        set(this.link.down ? 'local' : 'follower');
      } finally {
        stepping = false;
      }
      if (again) {
        again = false;
        return step();
      }
    };
    void step();
    const timer = setInterval(() => void step(), Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref?.();
    // Redis coming or going changes roles at once, not at the next renewal.
    const unlisten = this.link.onStateChange(() => void step());
    const release = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      unlisten();
      this.follows.delete(release);
      if (holding) {
        holding = false;
        void redis.eval(RELEASE, 1, redisKey, this.replicaId).catch(() => undefined);
      }
    };
    this.follows.add(release);
    return release;
  }

  async close(): Promise<void> {
    for (const release of [...this.follows]) release();
  }
}
