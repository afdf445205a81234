import type { DeliveryRecord, DeliveryStatus } from './types.js';

/** Settled for good: the only deliveries an endpoint's log may drop. */
export const isFinal = (status: DeliveryStatus): boolean => status === 'SUCCEEDED' || status === 'DEAD';

/** The delivery as recorded when its endpoint already has too many waiting (kept whole: it can be redelivered). */
export function queueFull(d: DeliveryRecord): DeliveryRecord {
  return { ...d, status: 'DEAD', lastError: 'queue full: too many deliveries waiting for this endpoint', nextAttemptAt: null };
}
