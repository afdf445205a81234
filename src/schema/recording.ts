import { GraphQLError } from 'graphql';
import { hasScope, loadDevice } from '../context.js';
import { childId, localId } from '../ids.js';
import { findRecording } from '../lookup.js';
import type { Recording, RecordingSegment } from '../model.js';
import { builder } from './builder.js';
import { RecordingStatusEnum, RecordingTriggerEnum } from './enums.js';
import { DeviceRef, RecordingRef } from './refs.js';
import type { Context } from '../context.js';
import type { MediaRef } from '../model.js';
import { NotFoundError } from '../errors.js';

export const signed = (ctx: Context, media: MediaRef | null) => (media ? ctx.runtime.media.url(media) : null);

const PlaybackRef = builder.objectRef<Recording>('Playback').implement({
  fields: (t) => ({
    hlsUrl: t.string({ nullable: true, resolve: (r, _a, ctx) => signed(ctx, r.hls) }),
    mp4Url: t.string({ nullable: true, resolve: (r, _a, ctx) => signed(ctx, r.mp4) }),
    downloadUrl: t.string({
      nullable: true,
      description: 'one file for the whole recording; null when it exists only as segments',
      resolve: (r, _a, ctx) => signed(ctx, r.download),
    }),
  }),
});

const SegmentRef = builder.objectRef<RecordingSegment>('RecordingSegment').implement({
  description: 'one stored piece of a recording (e.g. a 10-second chunk), downloadable on its own',
  fields: (t) => ({
    startedAt: t.field({ type: 'DateTime', resolve: (s) => s.startedAt }),
    endedAt: t.field({ type: 'DateTime', resolve: (s) => s.endedAt }),
    downloadUrl: t.string({ resolve: (s, _a, ctx) => ctx.runtime.media.url(s.media) }),
  }),
});

/** The device a child entity belongs to, from the request's fleet cache. */
export async function ownerDevice(ctx: Context, sourceId: string, deviceVendorId: string) {
  const device = await loadDevice(ctx, sourceId, deviceVendorId);
  if (!device) throw new NotFoundError('the device this belongs to is gone');
  return device;
}

builder.node(RecordingRef, {
  id: { resolve: (r) => localId(r.sourceId, childId(r.deviceVendorId, r.vendorRecordingId)) },
  loadOne: (id, ctx) => findRecording(ctx, id),
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (r, _a, ctx) => ownerDevice(ctx, r.sourceId, r.deviceVendorId) }),
    startedAt: t.field({ type: 'DateTime', resolve: (r) => r.startedAt }),
    endedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.endedAt }),
    durationSeconds: t.float({ nullable: true, resolve: (r) => r.durationSeconds }),
    status: t.field({ type: RecordingStatusEnum, resolve: (r) => r.status }),
    trigger: t.field({ type: RecordingTriggerEnum, resolve: (r) => r.trigger }),
    sizeBytes: t.float({ nullable: true, resolve: (r) => r.sizeBytes }),
    width: t.int({ nullable: true, resolve: (r) => r.width }),
    height: t.int({ nullable: true, resolve: (r) => r.height }),
    frameRate: t.float({ nullable: true, resolve: (r) => r.frameRate }),
    codec: t.string({ nullable: true, resolve: (r) => r.codec }),
    thumbnailUrl: t.string({ nullable: true, resolve: (r, _a, ctx) => signed(ctx, r.thumbnail) }),
    playback: t.field({ type: PlaybackRef, resolve: (r) => r }),
    segments: t.field({ type: [SegmentRef], resolve: (r) => r.segments }),
    motionLevel: t.float({
      nullable: true,
      description: 'how strong the motion that set the recording off was, from 0 (none) to 1 (the most the device measures); null when the vendor does not say',
      resolve: (r) => r.motionLevel ?? null,
    }),
    audioLevel: t.float({
      nullable: true,
      description: 'how loud the sound that set the recording off was, from 0 (silence) to 1 (the most the device measures); null when the vendor does not say',
      resolve: (r) => r.audioLevel ?? null,
    }),
    utcOffsetMinutes: t.int({
      nullable: true,
      description: "the device's offset from UTC where it recorded, in minutes (east positive), to show startedAt in the device's local time; null when unknown",
      resolve: (r) => r.utcOffsetMinutes ?? null,
    }),
    vendorData: t.field({
      type: 'JSON',
      nullable: true,
      description: "the vendor's own record of the recording (details without a unified field); scope admin",
      resolve: (r, _a, ctx) => {
        if (!hasScope(ctx, 'admin')) throw new GraphQLError('vendorData needs the "admin" scope', { extensions: { code: 'FORBIDDEN' } });
        return r.vendorData ?? null;
      },
    }),
  }),
});
