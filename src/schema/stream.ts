import { childId, localId } from '../ids.js';
import { findStream } from '../lookup.js';
import type { StreamHealth } from '../model.js';
import { builder } from './builder.js';
import { StreamDirectionEnum, StreamProtocolEnum, StreamStateEnum } from './enums.js';
import { ownerDevice, signed } from './recording.js';
import { DeviceRef, StreamRef } from './refs.js';

const StreamHealthRef = builder.objectRef<StreamHealth>('StreamHealth').implement({
  fields: (t) => ({
    throughputRatio: t.float({
      nullable: true,
      description: 'actual upload speed / bitrate; < 1 means not enough bandwidth',
      resolve: (h) => h.throughputRatio,
    }),
    sentFrames: t.float({ nullable: true, resolve: (h) => h.sentFrames }),
    sentBytes: t.float({ nullable: true, resolve: (h) => h.sentBytes }),
  }),
});

builder.node(StreamRef, {
  id: { resolve: (s) => localId(s.sourceId, childId(s.deviceVendorId, s.vendorStreamId)) },
  loadOne: (id, ctx) => findStream(ctx, id),
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (s, _a, ctx) => ownerDevice(ctx, s.sourceId, s.deviceVendorId) }),
    protocol: t.field({ type: StreamProtocolEnum, resolve: (s) => s.protocol }),
    direction: t.field({ type: StreamDirectionEnum, resolve: (s) => s.direction }),
    state: t.field({ type: StreamStateEnum, resolve: (s) => s.state }),
    url: t.string({
      nullable: true,
      description: 'playback: signed avgraph URL; push: destination with key masked',
      resolve: (s, _a, ctx) => (s.media ? signed(ctx, s.media) : s.url),
    }),
    bitrateKbps: t.float({ nullable: true, resolve: (s) => s.bitrateKbps }),
    health: t.field({ type: StreamHealthRef, nullable: true, resolve: (s) => s.health }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.startedAt }),
    keepAliveUntil: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.keepAliveUntil }),
  }),
});
