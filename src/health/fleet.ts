import type { Device } from '../model.js';
import { rank, type DeviceHealth, type HealthState } from './model.js';

export interface Judged {
  device: Device;
  health: DeviceHealth;
}

export type HealthCounts = Record<HealthState, number> & { total: number };

export interface FleetHealth {
  counts: HealthCounts;
  /** One entry per source asked about, in that order (a source without devices counts zero). */
  bySource: { sourceId: string; counts: HealthCounts }[];
  /** Every device, worst first: by state, then the longest unread, then by name. */
  worstFirst: Judged[];
}

const none = (): HealthCounts => ({ OK: 0, UNKNOWN: 0, WARNING: 0, CRITICAL: 0, total: 0 });

function add(counts: HealthCounts, state: HealthState): void {
  counts[state] += 1;
  counts.total += 1;
}

const worse = (a: Judged, b: Judged) =>
  rank(b.health.state) - rank(a.health.state) ||
  (b.health.staleSeconds ?? -1) - (a.health.staleSeconds ?? -1) ||
  a.device.name.localeCompare(b.device.name) ||
  a.device.vendorDeviceId.localeCompare(b.device.vendorDeviceId);

/** The roll-up of many devices' health: counts overall and per source, and the devices worst first. */
export function fleetHealth(judged: readonly Judged[], sourceIds: readonly string[]): FleetHealth {
  const counts = none();
  const bySource = new Map(sourceIds.map((id) => [id, none()]));
  for (const j of judged) {
    add(counts, j.health.state);
    let source = bySource.get(j.device.sourceId);
    if (!source) bySource.set(j.device.sourceId, (source = none()));
    add(source, j.health.state);
  }
  return {
    counts,
    bySource: [...bySource].map(([sourceId, c]) => ({ sourceId, counts: c })),
    worstFirst: [...judged].sort(worse),
  };
}
