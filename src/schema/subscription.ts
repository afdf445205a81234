import { GraphQLError } from 'graphql';
import { forgetReads, hasScope, type Context } from '../context.js';
import { matchesFilter, sourcesFor, type DeviceFilter } from '../filter.js';
import type { DeviceChangedEvent, Topics } from '../subscriptions/pubsub.js';
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

export function requireRead(ctx: Context): void {
  if (!hasScope(ctx, 'read')) throw new GraphQLError('this API key lacks the "read" scope', { extensions: { code: 'FORBIDDEN' } });
}

/** A subscription's context lives as long as it does: each event reads devices afresh. */
export function fresh(ctx: Context) {
  return () => forgetReads(ctx);
}

/** Pollers of the sources a filter can match, joined for the subscription's lifetime. */
export function acquirer(ctx: Context, filter: DeviceFilter | null) {
  const ids = sourcesFor(ctx.runtime.sources.values(), filter).map((s) => s.id);
  return () => ctx.runtime.pollers.acquire(ids);
}

/** Events about something a device owns (stream, snapshot, recording), filtered on that device. */
function ownedEvents<K extends 'streamChanged' | 'snapshotAdded' | 'recordingAdded'>(
  ctx: Context,
  topic: K,
  input: Parameters<typeof toDeviceFilter>[1],
): AsyncIterable<Topics[K]['item']> {
  requireRead(ctx);
  const filter = toDeviceFilter(ctx, input);
  return live(ctx.runtime.pubsub, topic, acquirer(ctx, filter), (e: Topics[K]) => (matchesFilter(e.device, filter) ? e.item : null), fresh(ctx));
}

builder.subscriptionFields((t) => ({
  deviceChanged: t.field({
    type: DeviceChangeRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'deviceChanged', acquirer(ctx, filter), (e) => (matchesFilter(e.device, filter) ? e : null), fresh(ctx));
    },
    resolve: (e) => e,
  }),
  streamChanged: t.field({
    type: StreamRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => ownedEvents(ctx, 'streamChanged', args.filter),
    resolve: (s) => s,
  }),
  snapshotAdded: t.field({
    type: SnapshotRef,
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => ownedEvents(ctx, 'snapshotAdded', args.filter),
    resolve: (s) => s,
  }),
  recordingAdded: t.field({
    type: RecordingRef,
    description: 'new recordings; delivered for sources whose poller reports them',
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => ownedEvents(ctx, 'recordingAdded', args.filter),
    resolve: (r) => r,
  }),
  sourceHealthChanged: t.field({
    type: SourceRef,
    subscribe: (_r, _a, ctx) => {
      requireRead(ctx);
      // The health as seen by whichever replica saw it change, not this replica's own view.
      return live(ctx.runtime.pubsub, 'sourceHealthChanged', acquirer(ctx, null), (e) => {
        const source = ctx.runtime.sources.get(e.sourceId);
        return source ? (Object.create(source, { health: { value: () => e.health } }) as typeof source) : null;
      }, fresh(ctx));
    },
    resolve: (s) => s,
  }),
}));
