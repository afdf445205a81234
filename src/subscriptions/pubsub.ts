import { setMaxListeners } from 'node:events';
import { createPubSub } from 'graphql-yoga';
import type { FleetProgressEvent } from '../fleet/results.js';
import type { Device, Recording, Snapshot, SourceHealth, Stream } from '../model.js';
import { deserialize, serialize } from '../json-dates.js';
import { healthKey, type DeviceHealthChangedEvent } from '../health/model.js';
import { visibleState } from './diff.js';
import type { RedisLink } from './redis-link.js';
import type { CommandRecord } from '../commands/record.js';

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
  /** A device's health state or reasons changed (published by the replica polling its source). */
  deviceHealthChanged: DeviceHealthChangedEvent;
  /** A mutation asks whichever replica polls a source to read it again now. */
  pollKick: { sourceId: string };
  /** A replica read a device again after a command (null: it is gone): every replica's store takes it. */
  deviceRead: { sourceId: string; vendorDeviceId: string; device: Device | null; at: Date };
  /** A tracked command was issued or changed state, on whichever replica sent it. */
  commandChanged: CommandRecord;
  /** A device of a fleet command finished, or (result null) the whole command did. */
  fleetCommandProgress: FleetProgressEvent;
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

/**
 * Calls `handle` for each event of a topic in order (an async handler finishes before the next event) until the
 * returned function is called. A handler's failure goes to `failed` (default: ignored, e.g. an event of another
 * version sharing Redis) and the feed goes on.
 */
export function onTopic<K extends keyof Topics>(
  pubsub: PubSub,
  topic: K,
  handle: (event: Topics[K]) => void | Promise<void>,
  failed: (error: unknown) => void = () => {},
): () => void {
  const events = pubsub.subscribe(topic)[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await events.next();
      if (next.done) return;
      try {
        await handle(next.value);
      } catch (e) {
        failed(e);
      }
    }
  })();
  return () => void events.return?.();
}

export interface PubSubOptions {
  /** Events cross replicas through Redis pub/sub when set; otherwise they stay in this process. */
  link?: RedisLink;
  /** Channel prefix, so several avgraph deployments can share one Redis. */
  prefix?: string;
  /** How long an event delivered here alone is remembered, so the same event arriving through Redis is dropped. */
  dedupeWindowMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Whether a message from Redis has the shape of this topic's events (another version may share the prefix). */
function wellFormed(topic: keyof Topics, p: unknown): boolean {
  if (!isObject(p)) return false;
  switch (topic) {
    case 'deviceChanged':
      return isObject(p.device) && typeof p.device.vendorDeviceId === 'string' && Array.isArray(p.changedFields) && p.at instanceof Date;
    case 'streamChanged':
    case 'snapshotAdded':
    case 'recordingAdded':
      return isObject(p.item) && isObject(p.device) && typeof p.device.vendorDeviceId === 'string';
    case 'sourceHealthChanged':
      return typeof p.sourceId === 'string' && isObject(p.health);
    case 'deviceHealthChanged':
      return isObject(p.device) && typeof p.device.vendorDeviceId === 'string' && isObject(p.health) && Array.isArray(p.health.reasons) && p.at instanceof Date;
    case 'pollKick':
      return typeof p.sourceId === 'string';
    case 'deviceRead':
      return typeof p.sourceId === 'string' && typeof p.vendorDeviceId === 'string' && p.at instanceof Date;
    case 'commandChanged':
      return typeof p.id === 'string' && typeof p.sourceId === 'string' && typeof p.state === 'string' && p.issuedAt instanceof Date && p.deadline instanceof Date;
    case 'fleetCommandProgress':
      return typeof p.fleetCommandId === 'string' && (p.result === null || isObject(p.result)) && typeof p.total === 'number';
    default:
      return false;
  }
}

/** What a news item is about, and what it says, whichever replica found it; null: never deduplicated. */
function sameNewsKey(topic: keyof Topics, payload: unknown): { thing: string; news: string } | null {
  switch (topic) {
    case 'deviceChanged': {
      const d = (payload as DeviceChangedEvent).device;
      return { thing: `d|${d.sourceId}|${d.vendorDeviceId}`, news: visibleState(d) };
    }
    case 'streamChanged': {
      const s = (payload as Owned<Stream>).item;
      return { thing: `t|${s.sourceId}|${s.deviceVendorId}|${s.vendorStreamId}`, news: serialize(s) };
    }
    case 'deviceHealthChanged': {
      const e = payload as DeviceHealthChangedEvent;
      return { thing: `h|${e.device.sourceId}|${e.device.vendorDeviceId}`, news: healthKey(e.health) };
    }
    case 'recordingAdded': {
      const r = (payload as Owned<Recording>).item;
      return { thing: `r|${r.sourceId}|${r.deviceVendorId}|${r.vendorRecordingId}`, news: '' };
    }
    case 'snapshotAdded': {
      const s = (payload as Owned<Snapshot>).item;
      return { thing: `s|${s.sourceId}|${s.deviceVendorId}|${s.vendorSnapshotId}`, news: '' };
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
  /**
   * What was last delivered here alone about each thing (a device, a stream, a recording), until when it counts
   * (insertion order = expiry order). Only the first copy through Redis of each can repeat it.
   */
  const deliveredAlone = new Map<string, { news: string; until: number }>();

  const forget = (now: number) => {
    for (const [thing, entry] of deliveredAlone) {
      if (entry.until > now) break;
      deliveredAlone.delete(thing);
    }
  };

  const deliverHere = (topic: keyof Topics, payload: unknown) => {
    const key = link && sameNewsKey(topic, payload);
    if (key) {
      forget(Date.now());
      deliveredAlone.delete(key.thing);
      deliveredAlone.set(key.thing, { news: key.news, until: Date.now() + windowMs });
    }
    local.publish(topic, payload);
  };

  /** The first copy through Redis of something delivered here alone: dropped if it is the same news. */
  const repeats = (topic: keyof Topics, payload: unknown): boolean => {
    if (!deliveredAlone.size) return false;
    forget(Date.now());
    const key = sameNewsKey(topic, payload);
    const alone = key && deliveredAlone.get(key.thing);
    if (!key || !alone) return false;
    deliveredAlone.delete(key.thing);
    return alone.news === key.news;
  };

  const unlisten = link?.onMessage((channel, message) => {
    if (!channel.startsWith(prefix)) return;
    const topic = channel.slice(prefix.length) as keyof Topics;
    try {
      const payload = deserialize(message);
      if (wellFormed(topic, payload) && !repeats(topic, payload)) local.publish(topic, payload);
    } catch {
      // not one of ours (another version sharing the prefix, or anyone writing to the channel): ignored
    }
  });

  return {
    publish(topic, payload, publishOpts = {}) {
      if (!link || publishOpts.localOnly || !link.up) return deliverHere(topic, payload);
      link.commands.publish(prefix + topic, serialize(payload)).catch((e: unknown) => {
        link.commandFailed(e);
        deliverHere(topic, payload);
      });
    },
    subscribe: (topic) => local.subscribe(topic) as AsyncIterable<Topics[typeof topic]>,
    async close() {
      unlisten?.();
    },
  };
}
