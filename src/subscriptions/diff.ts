import type { Device } from '../model.js';

/**
 * Device fields a subscriber can see change. vendorData is the raw payload; lastSeenAt moves with every
 * successful read (a heartbeat, not a change) and rides along with real changes.
 */
const COMPARED: (keyof Device)[] = [
  'name',
  'model',
  'connection',
  'isRecording',
  'isStreaming',
  'capabilities',
  'firmware',
  'settings',
  'signal',
  'storage',
  'streams',
  'latestSnapshot',
  'states',
];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Names of the Device fields whose value differs between two reads of one device. */
export function changedFields(before: Device, after: Device): string[] {
  return COMPARED.filter((k) => !same(before[k], after[k]));
}

/** What a subscriber can see of a device, as one string: equal strings, no visible change. */
export function visibleState(device: Device): string {
  return JSON.stringify(COMPARED.map((k) => device[k]));
}
