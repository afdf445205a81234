import { setMaxListeners } from 'node:events';
import { createPubSub } from 'graphql-yoga';
import type { Device, Recording, Snapshot, SourceHealth, Stream } from '../model.js';
import { deserialize, serialize } from '../json-dates.js';
import { visibleState } from './diff.js';
import type { RedisLink } from './redis-link.js';

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
  /** A replica read a device again after a command (null: it is gone): every replica's store takes it. */
  deviceRead: { sourceId: string; vendorDeviceId: string; device: Device | null; at: Date };
};

export interface PublishOptions {
  /** Only this replica's subscribers: a replica polling on its own while Redis is away says so. */
  localOnly?: boolean;
}

export interface PubSub {
  publish<K extends keyof Topics>(topic: K, payload: Topics[K], opts?: PublishOptions): void;
  subscribe<K extends keyof Topics>(topic: K): AsyncIterable<Topics[K]>;
  close(): Promise<void>;
}

export interface PubSubOptions {
  /** Events cross replicas through Redis pub/sub when set; otherwise they stay in this process. */
  link?: RedisLink;
  /** Channel prefix, so several avgraph deployments can share one Redis. */
  prefix?: string;
  /** How long an event delivered here alone is remembered, so the same event arriving through Redis is dropped. */
  dedupeWindowMs?: number;
}

/** What makes two events the same news, whichever replica found it; null: never deduplicated. */
function sameNewsKey(topic: keyof Topics, payload: unknown): string | null {
  switch (topic) {
    case 'deviceChanged': {
      const d = (payload as DeviceChangedEvent).device;
      return `d|${d.sourceId}|${d.vendorDeviceId}|${visibleState(d)}`;
    }
    case 'streamChanged': {
      const s = (payload as Owned<Stream>).item;
      return `t|${s.sourceId}|${s.deviceVendorId}|${serialize(s)}`;
    }
    case 'recordingAdded': {
      const r = (payload as Owned<Recording>).item;
      return `r|${r.sourceId}|${r.deviceVendorId}|${r.vendorRecordingId}`;
    }
    case 'snapshotAdded': {
      const s = (payload as Owned<Snapshot>).item;
      return `s|${s.sourceId}|${s.deviceVendorId}|${s.vendorSnapshotId}`;
    }
    default:
      return null;
  }
}

/**
 * Typed topics over yoga's in-process pub/sub. With Redis, events go out through Redis and reach every replica
 * (this one included) from there; while Redis is away, or for a replica polling alone, they are delivered here
 * only. News delivered here alone is remembered for a while, so the same news arriving later through Redis
 * (another replica found it too, or a publish that seemed to fail went through) reaches no subscriber twice.
 */
export function createTopics(opts: PubSubOptions = {}): PubSub {
  const prefix = `${opts.prefix ?? 'avgraph'}:`;
  const link = opts.link;
  const windowMs = opts.dedupeWindowMs ?? 30_000;
  // One listener per live subscription: thousands are expected, not a leak.
  const target = new EventTarget();
  setMaxListeners(0, target);
  const local = createPubSub<Record<string, [unknown]>>({ eventTarget: target as never });
  /** Same-news keys delivered here alone, with when they stop counting (insertion order = expiry order). */
  const deliveredAlone = new Map<string, number>();

  const forget = (now: number) => {
    for (const [key, until] of deliveredAlone) {
      if (until > now) break;
      deliveredAlone.delete(key);
    }
  };

  const deliverHere = (topic: keyof Topics, payload: unknown) => {
    if (link) {
      const key = sameNewsKey(topic, payload);
      if (key) {
        forget(Date.now());
        deliveredAlone.delete(key);
        deliveredAlone.set(key, Date.now() + windowMs);
      }
    }
    local.publish(topic, payload);
  };

  const unlisten = link?.onMessage((channel, message) => {
    if (!channel.startsWith(prefix)) return;
    const topic = channel.slice(prefix.length) as keyof Topics;
    let payload: unknown;
    try {
      payload = deserialize(message);
    } catch {
      return;
    }
    if (deliveredAlone.size) {
      forget(Date.now());
      const key = sameNewsKey(topic, payload);
      if (key && deliveredAlone.has(key)) return;
    }
    local.publish(topic, payload);
  });

  return {
    publish(topic, payload, publishOpts = {}) {
      if (!link || publishOpts.localOnly || !link.up) return deliverHere(topic, payload);
      link.commands.publish(prefix + topic, serialize(payload)).catch(() => deliverHere(topic, payload));
    },
    subscribe: (topic) => local.subscribe(topic) as AsyncIterable<Topics[typeof topic]>,
    async close() {
      unlisten?.();
    },
  };
}
