import type { AvgraphConfig } from './config.js';
import { Access } from './auth.js';
import type { Logger } from './log.js';
import { MediaSigner } from './media/signer.js';
import { createSource } from './sources/registry.js';
import type { Source } from './sources/source.js';
import { PollerSet, type PollerOptions } from './subscriptions/poller.js';
import { RedisLeadership, soloLeadership } from './subscriptions/lease.js';
import { RedisLink } from './subscriptions/redis-link.js';
import { SharedSubscriptions } from './subscriptions/shared.js';
import { createTopics, type PubSub } from './subscriptions/pubsub.js';
import { createCostLimiter, type CostLimiter } from './limits/rate-limit.js';
import type { DeviceStore } from './store/device-store.js';
import { localReads, RedisReads } from './store/shared-reads.js';
import { createStores } from './store/stores.js';
import { HealthService } from './health/service.js';
import { RedisHealthLedger } from './health/ledger.js';
import { CommandTracker } from './commands/tracker.js';
import { RedisCommandArchive } from './commands/archive.js';
import { createWebhookService } from './webhooks/create.js';
import type { WebhookService } from './webhooks/service.js';
import { createFleetState, type FleetState } from './fleet/state.js';

/** The long-lived pieces one avgraph process shares across requests. */
export interface Runtime {
  config: AvgraphConfig;
  publicUrl: string;
  log: Logger;
  access: Access;
  sources: Map<string, Source>;
  /** Each API key's cost budget (shared by replicas through Redis). */
  costLimiter: CostLimiter;
  /** The latest device state of each source, shared by every request, subscription and poller. */
  stores: Map<string, DeviceStore>;
  media: MediaSigner;
  pubsub: PubSub;
  pollers: PollerSet;
  /** Device health, and the announcing of its changes (src/health). */
  health: HealthService;
  /** Device commands from issue to confirmation (src/commands). */
  commands: CommandTracker;
  /** graphql-ws subscriptions, shared by identical operations. */
  shared: SharedSubscriptions;
  /** Outbound webhooks (src/webhooks). */
  webhooks: WebhookService;
  /** Fleet commands' runs, progress and per-source bulkheads (src/fleet). */
  fleet: FleetState;
  /** This process among replicas sharing a Redis ("solo" without one). */
  replicaId: string;
  /** Whether Redis is configured, and reachable now. */
  redisState(): 'none' | 'up' | 'down';
  /** Set once the server listens (the port may have been 0). */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: AvgraphConfig;
  log: Logger;
  publicUrl: string;
  /** True when every source is a local simulator: no keys then means open access. */
  demo: boolean;
  pollers?: PollerOptions;
  /** Already-built sources (tests tune their HTTP clients); default: from config. */
  sources?: Source[];
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  const { config, log } = opts;
  const sources = new Map((opts.sources ?? config.sources.map(createSource)).map((s) => [s.id, s]));
  const prefix = config.redisPrefix;
  const link = config.redisUrl ? new RedisLink(config.redisUrl, `${prefix}:*`, log) : undefined;
  const pubsub = createTopics({ link, prefix, dedupeWindowMs: Math.max(30_000, 3 * config.leaseMs) });
  const leadership = link ? new RedisLeadership(link, prefix, config.leaseMs) : soloLeadership;
  // replicas share reads; a reader may hold a key as long as the slowest source's read may take
  const readBound = Math.max(10_000, ...config.sources.map((s) => s.timeoutMs ?? 0));
  const reads = link ? new RedisReads(link, prefix, readBound) : localReads;
  const stores = createStores(sources.values(), config.sources, reads, pubsub);
  const pollers = new PollerSet(stores.stores.values(), pubsub, log, opts.pollers, leadership);
  const health = new HealthService(config.health, sources, stores.stores, pollers, pubsub, link ? new RedisHealthLedger(link, prefix, log) : null, log);
  const archive = link ? new RedisCommandArchive(link, prefix, config.commands, log) : null;
  const commands = new CommandTracker(config.commands, stores.stores, pubsub, log, archive);
  const webhooks = createWebhookService({ config, link, replicaId: leadership.replicaId, pubsub, pollers, sources, stores: stores.stores, log });
  const unsubscribe = [...sources.values()].map((s) =>
    s.onHealthChange((health) => {
      log.info({ source: s.id, state: health.state, circuitOpen: health.circuitOpen }, 'source health changed');
      // One view per source for every subscriber: the polling replica's (through Redis), or this replica's own
      // while it polls alone; a replica that follows another keeps its own view to itself.
      const role = pollers.get(s.id)?.role;
      if (role === 'leader' || role === 'local') pubsub.publish('sourceHealthChanged', { sourceId: s.id, health }, { localOnly: role === 'local' });
    }),
  );
  const media = new MediaSigner(() => runtime.publicUrl, config.mediaSecret, config.mediaUrlTtlSeconds);
  const runtime: Runtime = {
    config,
    publicUrl: opts.publicUrl,
    log,
    access: new Access(config.apiKeys, opts.demo || config.allowAnonymous),
    sources,
    stores: stores.stores,
    costLimiter: createCostLimiter({ rateLimit: config.limits.rateLimit, redis: link?.commands, redisPrefix: prefix }),
    media,
    pubsub,
    pollers,
    health,
    commands,
    replicaId: leadership.replicaId,
    redisState: () => (link ? (link.up ? 'up' : 'down') : 'none'),
    shared: new SharedSubscriptions(config.maxQueuedEvents),
    webhooks,
    fleet: createFleetState(config, link, log),
    setPublicUrl(url) {
      runtime.publicUrl = url.replace(/\/+$/, '');
    },
    async close() {
      await webhooks.close();
      pollers.stopAll();
      health.close();
      commands.close();
      stores.close();
      await reads.close?.();
      unsubscribe.forEach((u) => u());
      await leadership.close();
      await pubsub.close();
      await link?.close();
      await Promise.all([...sources.values()].map((s) => s.close()));
    },
  };
  return runtime;
}
