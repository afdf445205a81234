import { loadFleets } from '../context.js';
import { ValidationError } from '../errors.js';
import { matchesFilter, sourcesFor } from '../filter.js';
import { fleetHealth, type FleetHealth, type HealthCounts } from '../health/fleet.js';
import {
  HEALTH_REASON_CODES,
  HEALTH_STATES,
  type DeviceHealth,
  type DeviceHealthChangedEvent,
  type HealthReason,
  type HealthReasonCode,
} from '../health/model.js';
import { UPSTREAM } from '../limits/cost.js';
import type { Source } from '../sources/source.js';
import { live } from '../subscriptions/live.js';
import { builder } from './builder.js';
import { acquirer, fresh, requireRead } from './subscription.js';
import { DeviceFilterInput, toDeviceFilter } from './inputs.js';
import { DeviceRef, SourceRef } from './refs.js';

const MAX_WORST = 100;

const HealthStateEnum = builder.enumType('HealthState', {
  description: 'OK: nothing wrong; UNKNOWN: avgraph cannot tell (no fresh read, vendor does not say); WARNING; CRITICAL',
  values: HEALTH_STATES,
});
const HealthSeverityEnum = builder.enumType('HealthSeverity', { values: ['UNKNOWN', 'WARNING', 'CRITICAL'] as const });
const REASON_DOCS: Record<HealthReasonCode, string> = {
  OFFLINE: 'the vendor reports it offline; CRITICAL once offline health.offlineMinutes (or since an unknown time), WARNING before',
  NOT_SEEN: 'the vendor cannot say whether it is online and last saw it health.offlineMinutes ago or more',
  CONNECTION_UNKNOWN: 'the vendor cannot say whether it is online (seen lately, or never said when)',
  NO_SIGNAL: 'no input signal while recording or streaming',
  STORAGE_LOW: 'a volume used health.storageWarnPercent or more (or reported low on space); CRITICAL from health.storageCriticalPercent or full',
  STORAGE_ERROR: 'a volume in error or read-only',
  UPLOAD_QUEUE_GROWING: 'footage waiting for upload grew across the last health.uploadQueueSamples readings by health.uploadQueueGrowthSeconds or more',
  STREAM_UNDERRUN: 'a live stream sends slower than health.throughputWarnRatio of real time; CRITICAL below health.throughputCriticalRatio',
  STREAM_FAILED: 'a stream failed',
  FIRMWARE_FAILED: 'the last firmware update, or check for one, failed',
  SOURCE_CIRCUIT_OPEN: "avgraph stopped calling the device's source for now (it kept failing): the state may be out of date",
  STALE: "avgraph's last read of the device is health.staleMinutes old or more",
};

const HealthReasonCodeEnum = builder.enumType('HealthReasonCode', {
  values: Object.fromEntries(HEALTH_REASON_CODES.map((c) => [c, { description: REASON_DOCS[c] }])) as Record<HealthReasonCode, { description: string }>,
});

const HealthReasonRef = builder.objectRef<HealthReason>('HealthReason').implement({
  fields: (t) => ({
    code: t.field({ type: HealthReasonCodeEnum, resolve: (r) => r.code }),
    severity: t.field({ type: HealthSeverityEnum, resolve: (r) => r.severity }),
    message: t.string({ description: 'for people, with the figures that made it so', resolve: (r) => r.message }),
    subject: t.string({ nullable: true, description: 'the part it is about: a storage kind or a stream id; null for the whole device', resolve: (r) => r.subject }),
  }),
});

const DeviceHealthRef = builder.objectRef<DeviceHealth>('DeviceHealth').implement({
  description: 'judged from the device state with the thresholds of the config\'s "health" block',
  fields: (t) => ({
    state: t.field({ type: HealthStateEnum, description: 'the worst reason\'s severity; OK without reasons', resolve: (h) => h.state }),
    reasons: t.field({ type: [HealthReasonRef], description: 'worst first', resolve: (h) => h.reasons }),
    staleSeconds: t.int({ nullable: true, description: 'how old avgraph\'s read of the device is', resolve: (h) => h.staleSeconds }),
  }),
});

builder.objectField(DeviceRef, 'health', (t) =>
  t.field({ type: DeviceHealthRef, resolve: (d, _a, ctx) => ctx.runtime.health.of(d) }),
);

const HealthCountsRef = builder.objectRef<HealthCounts>('HealthCounts').implement({
  fields: (t) => ({
    ok: t.int({ resolve: (c) => c.OK }),
    unknown: t.int({ resolve: (c) => c.UNKNOWN }),
    warning: t.int({ resolve: (c) => c.WARNING }),
    critical: t.int({ resolve: (c) => c.CRITICAL }),
    total: t.int({ resolve: (c) => c.total }),
  }),
});

const SourceHealthCountsRef = builder.objectRef<{ source: Source; counts: HealthCounts }>('SourceHealthCounts').implement({
  fields: (t) => ({
    source: t.field({ type: SourceRef, resolve: (s) => s.source }),
    counts: t.field({ type: HealthCountsRef, resolve: (s) => s.counts }),
  }),
});

const FleetHealthRef = builder.objectRef<FleetHealth>('FleetHealth').implement({
  fields: (t) => ({
    counts: t.field({ type: HealthCountsRef, resolve: (f) => f.counts }),
    bySource: t.field({
      type: [SourceHealthCountsRef],
      resolve: (f, _a, ctx) =>
        f.bySource.flatMap((s) => {
          const source = ctx.runtime.sources.get(s.sourceId);
          return source ? [{ source, counts: s.counts }] : [];
        }),
    }),
    worst: t.field({
      type: [DeviceRef],
      description: 'the devices in the worst state first, then the longest unread; OK devices too when fewer are wrong than asked',
      args: { limit: t.arg.int({ defaultValue: 10 }) },
      complexity: (args) => ({ field: 1, multiplier: args.limit ?? 10 }),
      resolve: (f, { limit }) => {
        const n = limit ?? 10;
        if (n < 0 || n > MAX_WORST) {
          throw new ValidationError(`limit must be between 0 and ${MAX_WORST}`, 'limit');
        }
        return f.worstFirst.slice(0, n).map((j) => j.device);
      },
    }),
  }),
});

builder.queryField('fleetHealth', (t) =>
  t.field({
    type: FleetHealthRef,
    description: 'the health of every device the filter matches: counts by state, per source, and the worst devices',
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    complexity: UPSTREAM,
    resolve: async (_r, args, ctx) => {
      const filter = toDeviceFilter(ctx, args.filter);
      const sources = sourcesFor(ctx.runtime.sources.values(), filter);
      // a source that fails answers with its last read kept (its health then says why it may be out of date)
      const devices = (await loadFleets(ctx, sources.map((s) => s.id), { lastOnFailure: true })).filter((d) => matchesFilter(d, filter));
      const now = new Date();
      return fleetHealth(
        devices.map((device) => ({ device, health: ctx.runtime.health.of(device, now) })),
        sources.map((s) => s.id),
      );
    },
  }),
);

const DeviceHealthChangeRef = builder.objectRef<DeviceHealthChangedEvent>('DeviceHealthChange').implement({
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (e) => e.device }),
    health: t.field({ type: DeviceHealthRef, description: 'as judged when the change was seen', resolve: (e) => e.health }),
    previous: t.field({ type: DeviceHealthRef, nullable: true, resolve: (e) => e.previous }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

builder.subscriptionField('deviceHealthChanged', (t) =>
  t.field({
    type: DeviceHealthChangeRef,
    description: "a device's health state or reasons changed; judged after each poll of its source, by the replica that polls it",
    args: { filter: t.arg({ type: DeviceFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toDeviceFilter(ctx, args.filter);
      return live(ctx.runtime.pubsub, 'deviceHealthChanged', acquirer(ctx, filter), (e) => (matchesFilter(e.device, filter) ? e : null), fresh(ctx));
    },
    resolve: (e) => e,
  }),
);
