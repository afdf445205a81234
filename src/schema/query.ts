import { loadFleets } from '../context.js';
import { matchesFilter, sourcesFor } from '../filter.js';
import { decodeGlobalId, localId } from '../ids.js';
import { findDevice } from '../lookup.js';
import { mergedRecordings } from '../recordings.js';
import { connectionCost, FLEET_GUESS, UPSTREAM } from '../limits/cost.js';
import { builder } from './builder.js';
import { pageSize, paginate } from './connection.js';
import { DeviceConnection, RecordingConnection } from './device.js';
import { DeviceFilterInput, RecordingFilterInput, toDeviceFilter } from './inputs.js';
import { DeviceRef, RecordingRef, SourceRef } from './refs.js';

builder.queryFields((t) => ({
  sources: t.field({ type: [SourceRef], resolve: (_r, _a, ctx) => [...ctx.runtime.sources.values()] }),
  device: t.field({
    type: DeviceRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    complexity: UPSTREAM,
    resolve: (_r, { id }, ctx) => {
      const g = decodeGlobalId(String(id));
      return g && g.type === 'Device' ? findDevice(ctx, localId(g.sourceId, g.vendorId)) : null;
    },
  }),
  devices: t.connection(
    {
      type: DeviceRef,
      args: { filter: t.arg({ type: DeviceFilterInput }) },
      complexity: connectionCost(),
      resolve: async (_r, args, ctx) => {
        const filter = toDeviceFilter(ctx, args.filter);
        const sources = sourcesFor(ctx.runtime.sources.values(), filter);
        const devices = (await loadFleets(ctx, sources.map((s) => s.id))).filter((d) => matchesFilter(d, filter));
        return paginate(args, devices);
      },
    },
    DeviceConnection,
  ),
  recordings: t.connection(
    {
      type: RecordingRef,
      description: 'recordings of many devices merged into one timeline, newest first',
      args: { filter: t.arg({ type: RecordingFilterInput }) },
      // one call per device read: those named, or the whole fleet (priced as FLEET_GUESS devices)
      complexity: (args) => ({ field: UPSTREAM * (args.filter?.deviceIds?.length ?? FLEET_GUESS), multiplier: pageSize(args) }),
      resolve: async (_r, args, ctx) => {
        const f = args.filter;
        const devices =
          f?.deviceIds?.flatMap((id) => {
            const g = decodeGlobalId(String(id));
            return g && g.type === 'Device' ? [{ sourceId: g.sourceId, vendorDeviceId: g.vendorId }] : [];
          }) ?? null;
        const recordings = await mergedRecordings(ctx, {
          devices,
          from: f?.from ?? null,
          to: f?.to ?? null,
          triggers: f?.triggers ?? null,
        });
        return paginate(args, recordings);
      },
    },
    RecordingConnection,
  ),
}));
