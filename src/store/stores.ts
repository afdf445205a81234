import type { SourceConfig } from '../config.js';
import type { Source } from '../sources/source.js';
import { onTopic, type PubSub } from '../subscriptions/pubsub.js';
import { DEFAULT_MAX_AGE_MS, DeviceStore } from './device-store.js';
import type { SharedReads } from './shared-reads.js';

/**
 * One device store per source, each with the freshness its config asks for (or its vendor's default), kept
 * current with what commands on any replica changed.
 */
export function createStores(
  sources: Iterable<Source>,
  configs: readonly SourceConfig[],
  shared: SharedReads,
  pubsub: PubSub,
): { stores: Map<string, DeviceStore>; close(): void } {
  const stores = new Map<string, DeviceStore>();
  for (const source of sources) {
    const maxAgeMs = configs.find((c) => c.id === source.id)?.maxAgeMs ?? DEFAULT_MAX_AGE_MS[source.vendor];
    stores.set(source.id, new DeviceStore(source, maxAgeMs, shared, (e) => pubsub.publish('deviceRead', e)));
  }
  const close = onTopic(pubsub, 'deviceRead', (e) => {
    if (e.at instanceof Date) stores.get(e.sourceId)?.learn(e.vendorDeviceId, e.device, e.at.getTime());
  });
  return { stores, close };
}
