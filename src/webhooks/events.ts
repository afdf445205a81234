import { createHash } from 'node:crypto';
import { childId, encodeGlobalId } from '../ids.js';
import { serialize } from '../json-dates.js';
import type { CommandRecord } from '../commands/record.js';
import type { DeviceHealth } from '../health/model.js';
import type { Device, Recording, Snapshot, Stream } from '../model.js';
import type { Topics } from '../subscriptions/pubsub.js';

/** What an event is about, for endpoint filters: a device (as polled, or by id), or a whole source. */
export type EventSubject = { device: Device } | { sourceId: string; deviceVendorId?: string };

/**
 * A pub/sub topic offered to webhooks. Methods (not function properties) so one list holds every topic's entry.
 * Data is a projection: GraphQL ids and plain fields, never vendor payloads or media references.
 */
export interface WebhookEventType<K extends keyof Topics = keyof Topics> {
  topic: K;
  /** The GraphQL enum value, e.g. DEVICE_CHANGED. */
  name: string;
  /** The body's `type`, e.g. "device.changed". */
  type: string;
  subject(event: Topics[K]): EventSubject;
  data(event: Topics[K]): unknown;
  /** When it happened, when the event says. */
  at?(event: Topics[K]): Date | null;
}

const eventType = <K extends keyof Topics>(t: WebhookEventType<K>): WebhookEventType<K> => t;

const deviceData = (d: Device) => ({
  id: encodeGlobalId('Device', d.sourceId, d.vendorDeviceId),
  sourceId: d.sourceId,
  vendor: d.vendor,
  name: d.name,
  kind: d.kind,
  connection: d.connection,
  isRecording: d.isRecording,
  isStreaming: d.isStreaming,
  lastSeenAt: d.lastSeenAt,
  states: d.states ?? [],
});

const childGid = (type: string, sourceId: string, deviceVendorId: string, ownId: string) =>
  encodeGlobalId(type, sourceId, childId(deviceVendorId, ownId));

const streamData = (s: Stream) => ({
  id: childGid('Stream', s.sourceId, s.deviceVendorId, s.vendorStreamId),
  protocol: s.protocol,
  direction: s.direction,
  state: s.state,
  bitrateKbps: s.bitrateKbps,
  startedAt: s.startedAt,
});

const recordingData = (r: Recording) => ({
  id: childGid('Recording', r.sourceId, r.deviceVendorId, r.vendorRecordingId),
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  durationSeconds: r.durationSeconds,
  status: r.status,
  trigger: r.trigger,
});

const healthData = (h: DeviceHealth) => ({
  state: h.state,
  reasons: h.reasons.map((r) => ({ code: r.code, severity: r.severity, message: r.message, subject: r.subject })),
});

const commandData = (c: CommandRecord) => ({
  id: childGid('Command', c.sourceId, c.deviceVendorId, c.id),
  deviceId: encodeGlobalId('Device', c.sourceId, c.deviceVendorId),
  kind: c.kind,
  state: c.state,
  issuedAt: c.issuedAt,
  confirmedAt: c.confirmedAt,
  finishedAt: c.finishedAt,
  error: c.error,
});

const snapshotData = (s: Snapshot) => ({
  id: childGid('Snapshot', s.sourceId, s.deviceVendorId, s.vendorSnapshotId),
  takenAt: s.takenAt,
  size: s.size,
});

/** Every event a webhook can subscribe to: one line (entry) per topic. */
export const EVENT_TYPES: WebhookEventType[] = [
  eventType({ topic: 'deviceChanged', name: 'DEVICE_CHANGED', type: 'device.changed', subject: (e) => e, at: (e) => e.at, data: (e) => ({ device: deviceData(e.device), changedFields: e.changedFields }) }),
  eventType({ topic: 'streamChanged', name: 'STREAM_CHANGED', type: 'stream.changed', subject: (e) => e, data: (e) => ({ device: deviceData(e.device), stream: streamData(e.item) }) }),
  eventType({ topic: 'recordingAdded', name: 'RECORDING_ADDED', type: 'recording.added', subject: (e) => e, at: (e) => e.item.startedAt, data: (e) => ({ device: deviceData(e.device), recording: recordingData(e.item) }) }),
  eventType({ topic: 'snapshotAdded', name: 'SNAPSHOT_ADDED', type: 'snapshot.added', subject: (e) => e, at: (e) => e.item.takenAt, data: (e) => ({ device: deviceData(e.device), snapshot: snapshotData(e.item) }) }),
  eventType({ topic: 'deviceHealthChanged', name: 'DEVICE_HEALTH_CHANGED', type: 'device.health_changed', subject: (e) => e, at: (e) => e.at, data: (e) => ({ device: deviceData(e.device), health: healthData(e.health), previousState: e.previous?.state ?? null }) }),
  eventType({ topic: 'commandChanged', name: 'COMMAND_CHANGED', type: 'command.changed', subject: (e) => ({ sourceId: e.sourceId, deviceVendorId: e.deviceVendorId }), at: (e) => e.finishedAt ?? e.issuedAt, data: (e) => ({ command: commandData(e) }) }),
  eventType({ topic: 'sourceHealthChanged', name: 'SOURCE_HEALTH_CHANGED', type: 'source.health_changed', subject: (e) => e, data: (e) => ({ sourceId: e.sourceId, state: e.health.state, circuitOpen: e.health.circuitOpen, lastSuccessAt: e.health.lastSuccessAt }) }),
];

/**
 * The event's id (webhook-id): a hash of the topic and the event as published. Every replica receives the same
 * published event (through Redis), so every replica computes the same id, and receivers dedupe on it.
 */
export function eventId(topic: keyof Topics, event: unknown): string {
  return `msg_${createHash('sha256').update(`${topic}\n${serialize(event)}`).digest('base64url').slice(0, 27)}`;
}

/** One delivery per event and endpoint, with an id as stable as the event's. */
export function deliveryId(eventId: string, endpointId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}\n${endpointId}`).digest('base64url').slice(0, 27)}`;
}
