import { childId, localId } from '../ids.js';
import { findShare } from '../lookup.js';
import { builder } from './builder.js';
import { ShareKindEnum, ShareRightEnum } from './enums.js';
import { ownerDevice } from './recording.js';
import { DeviceRef, ShareRef } from './refs.js';

builder.node(ShareRef, {
  id: { resolve: (s) => localId(s.sourceId, childId(s.deviceVendorId, s.vendorShareId)) },
  loadOne: (id, ctx) => findShare(ctx, id),
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (s, _a, ctx) => ownerDevice(ctx, s.sourceId, s.deviceVendorId) }),
    grantee: t.string({ nullable: true, description: 'email or user id', resolve: (s) => s.grantee }),
    kind: t.field({ type: ShareKindEnum, resolve: (s) => s.kind }),
    rights: t.field({ type: [ShareRightEnum], resolve: (s) => s.rights }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.createdAt }),
  }),
});
