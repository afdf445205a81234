import type { Capability, ConnectionState, Device, Vendor } from './model.js';
import type { Source } from './sources/source.js';

export interface DeviceFilter {
  vendors?: Vendor[] | null;
  /** Source names from the config (global Source ids are decoded before they get here). */
  sourceIds?: string[] | null;
  connection?: ConnectionState | null;
  isRecording?: boolean | null;
  capabilities?: Capability[] | null;
  search?: string | null;
}

/** The sources a filter can match at all, so the others are not even asked. */
export function sourcesFor(sources: Iterable<Source>, filter: DeviceFilter | null | undefined): Source[] {
  return [...sources].filter(
    (s) =>
      (!filter?.vendors?.length || filter.vendors.includes(s.vendor)) &&
      (!filter?.sourceIds?.length || filter.sourceIds.includes(s.id)),
  );
}

export function matchesFilter(d: Device, filter: DeviceFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.vendors?.length && !filter.vendors.includes(d.vendor)) return false;
  if (filter.sourceIds?.length && !filter.sourceIds.includes(d.sourceId)) return false;
  if (filter.connection && d.connection !== filter.connection) return false;
  if (filter.isRecording !== undefined && filter.isRecording !== null && d.isRecording !== filter.isRecording) return false;
  if (filter.capabilities?.length && !filter.capabilities.every((c) => d.capabilities.includes(c))) return false;
  if (filter.search && !d.name.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}
