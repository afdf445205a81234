import { loadFleets } from '../context.js';
import { connectionCost } from '../limits/cost.js';
import { builder } from './builder.js';
import { SourceStateEnum, VendorEnum } from './enums.js';
import { DeviceConnection } from './device.js';
import { paginate } from './connection.js';
import { DeviceRef, SourceRef } from './refs.js';
import type { SourceHealth } from '../model.js';

const SourceHealthRef = builder.objectRef<SourceHealth>('SourceHealth').implement({
  fields: (t) => ({
    state: t.field({ type: SourceStateEnum, resolve: (h) => h.state }),
    lastSuccessAt: t.field({ type: 'DateTime', nullable: true, resolve: (h) => h.lastSuccessAt }),
    lastError: t.string({ nullable: true, description: 'redacted: never contains a secret', resolve: (h) => h.lastError }),
    latencyMs: t.float({ nullable: true, description: 'rolling median of upstream calls', resolve: (h) => h.latencyMs }),
    circuitOpen: t.boolean({ resolve: (h) => h.circuitOpen }),
  }),
});

builder.node(SourceRef, {
  id: { resolve: (s) => `${s.id}:${s.vendor}` },
  loadOne: (id, ctx) => ctx.runtime.sources.get(id.split(':')[0]!) ?? null,
  fields: (t) => ({
    name: t.string({ description: 'the id given in the config file', resolve: (s) => s.id }),
    vendor: t.field({ type: VendorEnum, resolve: (s) => s.vendor }),
    health: t.field({ type: SourceHealthRef, resolve: (s) => s.health() }),
    upstreamCalls: t.field({
      type: 'JSON',
      description: 'upstream calls made since start, by endpoint (operations insight; no secrets)',
      resolve: (s) => s.callCounts(),
    }),
    devices: t.connection(
      {
        type: DeviceRef,
        complexity: connectionCost(),
        resolve: async (s, args, ctx) => paginate(args, await loadFleets(ctx, [s.id])),
      },
      DeviceConnection,
    ),
  }),
});
