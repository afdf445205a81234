import type { Device, Share, Snapshot, Stream } from '../../model.js';
import { builder } from '../builder.js';
import { DeviceRef, ShareRef, SnapshotRef, StreamRef } from '../refs.js';

/** Success types carry the field(s) the contract names after each mutation's arrow. */
export function devicePayload(name: string) {
  return builder.objectRef<{ device: Device }>(name).implement({
    fields: (t) => ({ device: t.field({ type: DeviceRef, resolve: (p) => p.device }) }),
  });
}

export function deviceIdPayload(name: string) {
  return builder.objectRef<{ deviceId: string }>(name).implement({
    fields: (t) => ({ deviceId: t.id({ resolve: (p) => p.deviceId }) }),
  });
}

export function streamPayload(name: string) {
  return builder.objectRef<{ stream: Stream }>(name).implement({
    fields: (t) => ({ stream: t.field({ type: StreamRef, resolve: (p) => p.stream }) }),
  });
}

export function snapshotPayload(name: string) {
  return builder.objectRef<{ snapshot: Snapshot }>(name).implement({
    fields: (t) => ({ snapshot: t.field({ type: SnapshotRef, resolve: (p) => p.snapshot }) }),
  });
}

export function sharePayload(name: string) {
  return builder.objectRef<{ share: Share }>(name).implement({
    fields: (t) => ({ share: t.field({ type: ShareRef, resolve: (p) => p.share }) }),
  });
}
