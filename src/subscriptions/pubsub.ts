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

/** Typed topics. In-process now; the live-subscriptions work swaps in a Redis event target here. */
export type Topics = {
  deviceChanged: [DeviceChangedEvent];
  sourceHealthChanged: [SourceHealthEvent];
  streamChanged: [Stream];
  snapshotAdded: [Snapshot];
  recordingAdded: [Recording];
};

export function createTopics() {
  return createPubSub<Topics>();
}

export type PubSub = ReturnType<typeof createTopics>;
