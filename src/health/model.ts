import type { AvgraphConfig } from '../config.js';
import type { Device } from '../model.js';

/** Worst first is the order of HEALTH_STATES read backwards: OK < UNKNOWN < WARNING < CRITICAL. */
export const HEALTH_STATES = ['OK', 'UNKNOWN', 'WARNING', 'CRITICAL'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];
/** How bad one reason is; the device's state is its worst reason's severity (OK without any). */
export type HealthSeverity = Exclude<HealthState, 'OK'>;

export const HEALTH_REASON_CODES = [
  'OFFLINE',
  'NOT_SEEN',
  'CONNECTION_UNKNOWN',
  'NO_SIGNAL',
  'STORAGE_LOW',
  'STORAGE_ERROR',
  'UPLOAD_QUEUE_GROWING',
  'STREAM_UNDERRUN',
  'STREAM_FAILED',
  'FIRMWARE_FAILED',
  'SOURCE_CIRCUIT_OPEN',
  'STALE',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number];

export interface HealthReason {
  code: HealthReasonCode;
  severity: HealthSeverity;
  /** For people: what is wrong, with the figures that made it so. */
  message: string;
  /** What part of the device it is about (a storage kind, a stream id); null for the device as a whole. */
  subject: string | null;
}

export interface DeviceHealth {
  state: HealthState;
  /** Worst first. */
  reasons: HealthReason[];
  /** How old avgraph's read of the device is; null when the state did not come through the device store. */
  staleSeconds: number | null;
}

export type HealthThresholds = AvgraphConfig['health'];

/** One reading of a device's upload queue. */
export interface QueueSample {
  /** When avgraph read it (ms since the epoch). */
  at: number;
  seconds: number;
}

/** What health needs besides the device itself. */
export interface HealthContext {
  /** Whether the device's source has its circuit open, as this replica sees it; null when unknown. */
  circuitOpen: boolean | null;
  /** The device's last upload queue readings, oldest first. */
  queue: readonly QueueSample[];
}

/** A device's health changed (its state, or which reasons apply and how badly). */
export interface DeviceHealthChangedEvent {
  device: Device;
  health: DeviceHealth;
  /** What was last announced; null if nothing was. */
  previous: DeviceHealth | null;
  at: Date;
}

export const rank = (s: HealthState): number => HEALTH_STATES.indexOf(s);

/** What makes two healths the same news: state and reasons, not the wording (which carries figures that drift). */
export function healthKey(h: DeviceHealth): string {
  return [h.state, ...h.reasons.map((r) => `${r.code}/${r.severity}/${r.subject ?? ''}`).sort()].join('|');
}
