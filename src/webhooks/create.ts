import type { AvgraphConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { Source } from '../sources/source.js';
import type { DeviceStore } from '../store/device-store.js';
import type { PollerSet } from '../subscriptions/poller.js';
import type { PubSub } from '../subscriptions/pubsub.js';
import type { RedisLink } from '../subscriptions/redis-link.js';
import { WebhookService } from './service.js';
import { MemoryWebhookStore } from './store-memory.js';
import { RedisWebhookStore } from './store-redis.js';

/** Replicas see the same event within moments; a delivery id is remembered this long to enqueue it once. */
const SEEN_TTL_MS = 10 * 60_000;

export interface CreateWebhooksOptions {
  config: AvgraphConfig;
  /** With Redis: endpoints and the queue shared by replicas and kept across restarts. */
  link?: RedisLink;
  replicaId: string;
  pubsub: PubSub;
  pollers: PollerSet;
  sources: Map<string, Source>;
  stores: Map<string, DeviceStore>;
  log: Logger;
}

export function createWebhookService(opts: CreateWebhooksOptions): WebhookService {
  const cfg = opts.config.webhooks;
  const store = opts.link
    ? new RedisWebhookStore(opts.link.commands, {
        prefix: opts.config.redisPrefix,
        consumer: opts.replicaId,
        // longer than any attempt of a live replica takes, so only a dead one's deliveries are taken over
        claimIdleMs: cfg.claimIdleMs ?? 2 * cfg.timeoutMs + 2 * cfg.pollMs + 1_000,
        seenTtlMs: SEEN_TTL_MS,
        logSize: cfg.logSize,
        maxPending: cfg.maxPending,
      })
    : new MemoryWebhookStore(cfg.logSize, cfg.maxPending);
  return new WebhookService({ config: cfg, store, pubsub: opts.pubsub, pollers: opts.pollers, sources: opts.sources, stores: opts.stores, log: opts.log, shared: !!opts.link });
}
