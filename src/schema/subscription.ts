import { GraphQLError } from 'graphql';
import { hasScope, type Context } from '../context.js';
import { matchesFilter, sourcesFor, type DeviceFilter } from '../filter.js';
import { loadDevice } from '../context.js';
import type { Device } from '../model.js';
import type { DeviceChangedEvent } from '../subscriptions/pubsub.js';
import { live } from '../subscriptions/live.js';
import { builder } from './builder.js';
import { DeviceFilterInput, toDeviceFilter } from './inputs.js';
import { DeviceRef, RecordingRef, SnapshotRef, SourceRef, StreamRef } from './refs.js';

const DeviceChangeRef = builder.objectRef<DeviceChangedEvent>('DeviceChange').implement({
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (e) => e.device }),
    changedFields: t.stringList({ description: 'names of Device fields whose value changed', resolve: (e) => e.changedFields }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

function requireRead(ctx: Context): void {
  if (!hasScope(ctx, 'read')) throw new GraphQLError('this API key lacks the "read" scope', { extensions: { code: 'FORBIDDEN' } });
}

/** Pollers of the sources a filter can match, joined for the subscription's lifetime. */
function acquirer(ctx: Context, filter: DeviceFilter | null) {
  const ids = sourcesFor(ctx.runtime.sources.values(), filter).map((s) => s.id);
  return () => ctx.runtime.pollers.acquire(ids);
}

/** Device-owned events are filtered on their device, read from the event's own fresh poll when possible. */
async function ownerMatches(ctx: Context, filter: DeviceFilter | null, sourceId: string, vendorDeviceId: string): Promise<boolean> {
  if (!filter) return true;
  if (!sourcesFor(ctx.runtime.sources.values(), filter).some((s) => s.id === sourceId)) return false;
  ctx.loaders.fleet.clear(sourceId);
  const device: Device | null = await loadDevice(ctx, sourceId, vendorDeviceId).catch(() => null);
  return device ? matchesFilter(device, filter) : false;
}

builder.subscriptionFields((t) => ({
  deviceChanged: t.field({
    type: DeviceChangeRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'deviceChanged', acquirer(ctx, filter), (e) => (matchesFilter(e.device, filter) ? e : null));
    },
    resolve: (e) => e,
  }),
  streamChanged: t.field({
    type: StreamRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'streamChanged', acquirer(ctx, filter), async (s) =>
        (await ownerMatches(ctx, filter, s.sourceId, s.deviceVendorId)) ? s : null,
      );
    },
    resolve: (s) => s,
  }),
  snapshotAdded: t.field({
    type: SnapshotRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'snapshotAdded', acquirer(ctx, filter), async (s) =>
        (await ownerMatches(ctx, filter, s.sourceId, s.deviceVendorId)) ? s : null,
      );
    },
    resolve: (s) => s,
  }),
  recordingAdded: t.field({
    type: RecordingRef,
    description: 'new recordings; delivered for sources whose poller reports them',
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'recordingAdded', acquirer(ctx, filter), async (r) =>
        (await ownerMatches(ctx, filter, r.sourceId, r.deviceVendorId)) ? r : null,
      );
    },
    resolve: (r) => r,
  }),
  sourceHealthChanged: t.field({
    type: SourceRef,
    subscribe: (_r, _a, ctx) => {
      requireRead(ctx);
      return live(ctx.runtime.pubsub, 'sourceHealthChanged', acquirer(ctx, null), (e) => ctx.runtime.sources.get(e.sourceId) ?? null);
    },
    resolve: (s) => s,
  }),
}));
