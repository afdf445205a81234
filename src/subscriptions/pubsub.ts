import { createPubSub } from 'graphql-yoga';
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

/** Typed topics. In-process now; the live-subscriptions work swaps in a Redis event target here. */
export type Topics = {
  deviceChanged: [DeviceChangedEvent];
  sourceHealthChanged: [SourceHealthEvent];
  streamChanged: [Owned<Stream>];
  snapshotAdded: [Owned<Snapshot>];
  recordingAdded: [Owned<Recording>];
};

export function createTopics() {
  return createPubSub<Topics>();
}

export type PubSub = ReturnType<typeof createTopics>;
