import { GraphQLError } from 'graphql';
import type { AvgraphConfig } from '../config.js';

export type LimitsConfig = AvgraphConfig['limits'];
/** The config key of a limit, named in the error a client sees so an operator knows what to raise. */
export type LimitName = Exclude<keyof LimitsConfig, 'rateLimit'>;

/** An operation refused by a limit: code LIMIT_EXCEEDED, which limit, and its value; `status` for HTTP answers. */
export function limitExceeded(limit: LimitName, max: number, message: string, status: number | null = 400, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'LIMIT_EXCEEDED', limit, max, ...extra, ...(status ? { http: { status } } : {}) } });
}

/** Over the key's cost budget: HTTP 429 with Retry-After; graphql-ws clients read retryAfterSeconds. */
export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`rate limit exceeded: this API key's query budget refills in ${retryAfterSeconds}s`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } },
  });
}
