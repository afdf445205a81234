import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import type { LimitsConfig } from './errors.js';

/** Each client's cost budget per window. */
export interface CostLimiter {
  /** Spends `cost` from `key`'s budget: null when granted, otherwise the seconds until the budget refills. */
  take(key: string, cost: number): Promise<number | null>;
  close(): Promise<void>;
}

export interface CostLimiterOptions {
  rateLimit: LimitsConfig['rateLimit'];
  /** With Redis, replicas share one budget per key. */
  redisUrl?: string;
  redisPrefix: string;
  log: Logger;
}

/**
 * In memory by default. With Redis, every replica spends from the same budget; while Redis is unreachable each
 * replica falls back to its own in-memory budget (the insurance limiter), so an outage never stops traffic.
 */
export function createCostLimiter(opts: CostLimiterOptions): CostLimiter {
  const { costPerWindow: points, windowSeconds: duration } = opts.rateLimit;
  if (points === 0) return { take: async () => null, close: async () => undefined };
  const memory = new RateLimiterMemory({ points, duration, keyPrefix: 'cost' });
  let limiter: RateLimiterAbstract = memory;
  let redis: Redis | null = null;
  if (opts.redisUrl) {
    // No offline queue: while Redis is away a call fails at once and the insurance limiter answers.
    redis = new Redis(opts.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    let down = false;
    redis.on('error', (e: Error) => {
      if (down) return;
      down = true;
      opts.log.warn({ err: e.message }, 'rate limit store (Redis) unreachable: each replica limits on its own until it is back');
    });
    redis.on('ready', () => {
      if (down) opts.log.info('rate limit store (Redis) is back: replicas share budgets again');
      down = false;
    });
    limiter = new RateLimiterRedis({
      storeClient: redis,
      points,
      duration,
      keyPrefix: `${opts.redisPrefix}:cost`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }
  return {
    async take(key, cost) {
      if (cost <= 0) return null;
      try {
        await limiter.consume(key, Math.ceil(cost));
        return null;
      } catch (e) {
        if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
        throw e;
      }
    },
    async close() {
      if (!redis) return;
      await redis.quit().catch(() => redis!.disconnect());
    },
  };
}
