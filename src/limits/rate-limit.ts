import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitsConfig } from './errors.js';

/** Each client's cost budget per window. */
export interface CostLimiter {
  /** Spends `cost` from `key`'s budget: null when granted, otherwise the seconds until the budget refills. */
  take(key: string, cost: number): Promise<number | null>;
}

export interface CostLimiterOptions {
  rateLimit: LimitsConfig['rateLimit'];
  /** With Redis (the replica's command connection: no offline queue, short command timeout), replicas share one budget per key. */
  redis?: Redis;
  redisPrefix: string;
}

/**
 * In memory by default. With Redis, every replica spends from the same budget; while Redis is unreachable each
 * replica falls back to its own in-memory budget (the insurance limiter), so an outage never stops traffic.
 */
export function createCostLimiter(opts: CostLimiterOptions): CostLimiter {
  const { costPerWindow: points, windowSeconds: duration } = opts.rateLimit;
  if (points === 0) return { take: async () => null };
  const memory = new RateLimiterMemory({ points, duration, keyPrefix: 'cost' });
  let limiter: RateLimiterAbstract = memory;
  if (opts.redis) {
    // While Redis is away a call fails at once and the insurance limiter answers (the link logs the outage).
    limiter = new RateLimiterRedis({
      storeClient: opts.redis,
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
  };
}
