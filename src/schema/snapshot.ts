import { childId, localId } from '../ids.js';
import { findSnapshot } from '../lookup.js';
import { builder } from './builder.js';
import { SnapshotSizeEnum } from './enums.js';
import { ownerDevice } from './recording.js';
import { DeviceRef, SnapshotRef } from './refs.js';

builder.node(SnapshotRef, {
  id: { resolve: (s) => localId(s.sourceId, childId(s.deviceVendorId, s.vendorSnapshotId)) },
  loadOne: (id, ctx) => findSnapshot(ctx, id),
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (s, _a, ctx) => ownerDevice(ctx, s.sourceId, s.deviceVendorId) }),
    takenAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.takenAt }),
    url: t.string({ resolve: (s, _a, ctx) => ctx.runtime.media.url(s.media) }),
    size: t.field({ type: SnapshotSizeEnum, resolve: (s) => s.size }),
    width: t.int({ nullable: true, resolve: (s) => s.width }),
    height: t.int({ nullable: true, resolve: (s) => s.height }),
    notes: t.string({ nullable: true, resolve: (s) => s.notes }),
  }),
});
