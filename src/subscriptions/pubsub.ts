import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Device, Recording, Snapshot, SourceHealth, Stream } from '../model.js';

export interface DeviceChangedEvent {
  device: Device;
  changedFields: string[];
  at: Date;
}

export interface SourceHealthEvent {
  sourceId: string;
  health: SourceHealth;
}

/** An event about something a device owns, with the device as it was polled, so filters need no I/O. */
export interface Owned<T> {
  item: T;
  device: Device;
}

/** Typed topics. Payloads are plain data: with Redis they travel as JSON between replicas. */
export type Topics = {
  deviceChanged: DeviceChangedEvent;
  sourceHealthChanged: SourceHealthEvent;
  streamChanged: Owned<Stream>;
  snapshotAdded: Owned<Snapshot>;
  recordingAdded: Owned<Recording>;
  /** A mutation asks whichever replica polls a source to read it again now. */
  pollKick: { sourceId: string };
};

export interface PubSub {
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void;
  subscribe<K extends keyof Topics>(topic: K): AsyncIterable<Topics[K]>;
  close(): Promise<void>;
}

export interface PubSubOptions {
  /** Events cross replicas through Redis pub/sub when set; otherwise they stay in this process. */
  redisUrl?: string;
  /** Channel and key prefix, so several avgraph deployments can share one Redis. */
  prefix?: string;
}

export function createTopics(opts: PubSubOptions = {}): PubSub {
  const prefix = opts.prefix ?? 'avgraph';
  const clients = opts.redisUrl
    ? [new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }), new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })]
    : [];
  const inner = createPubSub<Record<string, [unknown]>>(
    clients.length ? { eventTarget: createRedisEventTarget({ publishClient: clients[0]!, subscribeClient: clients[1]! }) } : {},
  );
  const channel = (topic: string) => `${prefix}:${topic}`;
  return {
    publish: (topic, payload) => inner.publish(channel(topic), payload),
    subscribe: (topic) => inner.subscribe(channel(topic)) as AsyncIterable<Topics[typeof topic]>,
    async close() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
