import type { DeliveryRecord, DeliveryStatus, EndpointConfig, EndpointHealth, EndpointRecord } from './types.js';

/** Settled for good: the only deliveries an endpoint's log may drop. */
export const isFinal = (status: DeliveryStatus): boolean => status === 'SUCCEEDED' || status === 'DEAD';

/** Why a delivery was recorded DEAD when its endpoint already had too many waiting. */
export const QUEUE_FULL_ERROR = 'queue full: too many deliveries waiting for this endpoint';

/** The delivery as recorded when its endpoint already has too many waiting (kept whole: it can be redelivered). */
export function queueFull(d: DeliveryRecord): DeliveryRecord {
  return { ...d, status: 'DEAD', lastError: QUEUE_FULL_ERROR, nextAttemptAt: null };
}

/** An endpoint as the API shows it: enabled only while the admin enabled it and avgraph did not disable it. */
export function toRecord(config: EndpointConfig, health: EndpointHealth): EndpointRecord {
  return { ...config, ...health, enabled: config.enabled && health.disabledReason === null };
}
