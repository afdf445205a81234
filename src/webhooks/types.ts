import type { DeviceFilter } from '../filter.js';

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'DEAD';

/** An endpoint as an admin set it; the secret is only ever read to sign deliveries. */
export interface EndpointConfig {
  id: string;
  url: string;
  /** Event types by GraphQL name (see events.ts), e.g. DEVICE_CHANGED. */
  eventTypes: string[];
  filter: DeviceFilter | null;
  enabled: boolean;
  description: string | null;
  /** `whsec_<base64>` (Standard Webhooks). */
  secret: string;
  createdAt: number;
  /** Bumped by every admin change: a change made from an older read is refused (see saveEndpoint). */
  version: number;
}

/** What deliveries learn about an endpoint, kept apart from its config so neither side overwrites the other. */
export interface EndpointHealth {
  /** Since when every attempt failed (null: the last one succeeded, or none was made). */
  failingSince: number | null;
  /** Why avgraph disabled it, when it did. */
  disabledReason: string | null;
}

/** An endpoint as read: `enabled` is false when an admin or avgraph (disabledReason) disabled it. */
export type EndpointRecord = EndpointConfig & EndpointHealth;

/** One event for one endpoint: the message as first built (resent byte for byte) and how its delivery went. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  /** The Standard Webhooks message id (webhook-id): the same on every attempt and every replica. */
  eventId: string;
  /** The event type's GraphQL name, e.g. DEVICE_CHANGED. */
  eventType: string;
  /** JSON `{ type, timestamp, data }`; each attempt signs it with that attempt's time. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
}

/** A delivery handed to this worker; settle() or discard() with its ticket hands it back. */
export interface Leased {
  record: DeliveryRecord;
  ticket: string;
}

/**
 * Where endpoints, delivery records and the delivery queue live: one process's memory, or Redis shared by
 * replicas. A delivery is enqueued once whichever replica sees its event first, and taken by one worker at a time.
 */
export interface WebhookStore {
  /**
   * Creates (expected null: none stored) or replaces the stored config if its version is still `expected`;
   * 'conflict' when another change came first, 'gone' when the endpoint was deleted meanwhile.
   */
  saveEndpoint(endpoint: EndpointConfig, expected: number | null): Promise<'saved' | 'conflict' | 'gone'>;
  /** Changes what deliveries learnt (null fields cleared), only while the endpoint exists. */
  setHealth(id: string, change: Partial<EndpointHealth>): Promise<void>;
  /** Sets failingSince unless it is set already. */
  markFailing(id: string, since: number): Promise<void>;
  removeEndpoint(id: string): Promise<boolean>;
  endpoint(id: string): Promise<EndpointRecord | null>;
  endpoints(): Promise<EndpointRecord[]>;
  /**
   * Records and queues the deliveries not recorded before (by id) whose endpoint still exists; a delivery whose
   * endpoint already has `maxPending` not yet SUCCEEDED or DEAD is recorded DEAD ("queue full") instead.
   */
  enqueue(deliveries: DeliveryRecord[]): Promise<{ queued: DeliveryRecord[]; full: DeliveryRecord[] }>;
  /** Deliveries due now for this worker (including ones a dead worker had taken); each leased until settled. */
  take(max: number): Promise<Leased[]>;
  /** Saves the outcome; `retryAt` queues the delivery again then. */
  settle(lease: Leased, record: DeliveryRecord, retryAt: number | null): Promise<void>;
  /** Acks a delivery whose endpoint is gone and forgets its record. */
  discard(lease: Leased): Promise<void>;
  /** Queues a recorded delivery again now (manual redelivery). */
  requeue(record: DeliveryRecord): Promise<void>;
  delivery(id: string): Promise<DeliveryRecord | null>;
  /** The newest first. */
  deliveries(endpointId: string, first: number, status: DeliveryStatus | null): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
}
