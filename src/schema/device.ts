import { GraphQLError } from 'graphql';
import { hasScope } from '../context.js';
import { findDevice } from '../lookup.js';
import { localId } from '../ids.js';
import type { Device, DeviceSettings, Firmware, InputSignal, Snapshot, StorageVolume } from '../model.js';
import { builder } from './builder.js';
import { MAX_PAGE, paginate, type PageArgs } from './connection.js';
import type { Context } from '../context.js';
import {
  CapabilityEnum,
  ConnectionStateEnum,
  DeviceKindEnum,
  DeviceStateEnum,
  StorageKindEnum,
  StorageStatusEnum,
  VendorEnum,
} from './enums.js';
import { DeviceRef, RecordingRef, ShareRef, SnapshotRef, SourceRef, StreamRef } from './refs.js';
import { DEFAULT_WINDOW_MS, deviceRecordings, recordingsNeeded } from '../recordings.js';
import { connectionCost, LIST_SIZE, optionalRead, snapshotsCost } from '../limits/cost.js';

const FirmwareRef = builder.objectRef<Firmware>('Firmware').implement({
  fields: (t) => ({
    version: t.string({ nullable: true, resolve: (f) => f.version }),
    updateAvailable: t.boolean({ nullable: true, resolve: (f) => f.updateAvailable }),
    updateInProgress: t.boolean({ resolve: (f) => f.updateInProgress }),
    progressPercent: t.int({ nullable: true, description: 'how far the whole update has come (not one of its steps), while updateInProgress', resolve: (f) => f.progressPercent }),
    failure: t.string({
      nullable: true,
      description: "why the last update, or the check for one, failed, in the vendor's own name for it; null when it did not",
      resolve: (f) => f.failure ?? null,
    }),
  }),
});

const DeviceSettingsRef = builder.objectRef<DeviceSettings>('DeviceSettings').implement({
  fields: (t) => ({
    resolution: t.string({ nullable: true, description: '"1920x1080"', resolve: (s) => s.resolution }),
    videoBitrateKbps: t.int({ nullable: true, resolve: (s) => s.videoBitrateKbps }),
    frameRate: t.float({ nullable: true, resolve: (s) => s.frameRate }),
    audioBitrateKbps: t.int({ nullable: true, resolve: (s) => s.audioBitrateKbps }),
    keyframeIntervalSeconds: t.int({ nullable: true, resolve: (s) => s.keyframeIntervalSeconds }),
    chunkDurationSeconds: t.int({ nullable: true, resolve: (s) => s.chunkDurationSeconds }),
    allowedResolutions: t.stringList({
      description: 'the frame sizes the device is known to accept; empty when nothing documents them for its model (the device then decides)',
      resolve: (s) => s.allowedResolutions,
    }),
    maxVideoBitrateKbps: t.int({ nullable: true, description: 'null when nothing documents it for the model (the device then decides)', resolve: (s) => s.maxVideoBitrateKbps }),
  }),
});

const InputSignalRef = builder.objectRef<InputSignal>('InputSignal').implement({
  fields: (t) => ({
    present: t.boolean({ resolve: (s) => s.present }),
    width: t.int({ nullable: true, resolve: (s) => s.width }),
    height: t.int({ nullable: true, resolve: (s) => s.height }),
    interlaced: t.boolean({ nullable: true, resolve: (s) => s.interlaced }),
    frameRate: t.float({ nullable: true, resolve: (s) => s.frameRate }),
    audioSampleRate: t.int({ nullable: true, resolve: (s) => s.audioSampleRate }),
  }),
});

const StorageVolumeRef = builder.objectRef<StorageVolume>('StorageVolume').implement({
  fields: (t) => ({
    kind: t.field({ type: StorageKindEnum, resolve: (s) => s.kind }),
    totalBytes: t.float({ nullable: true, resolve: (s) => s.totalBytes }),
    usedBytes: t.float({ nullable: true, resolve: (s) => s.usedBytes }),
    freeBytes: t.float({ nullable: true, resolve: (s) => s.freeBytes }),
    queuedSeconds: t.float({ nullable: true, description: 'footage waiting for upload (AV Studio afu)', resolve: (s) => s.queuedSeconds }),
    uploadEnabled: t.boolean({ nullable: true, resolve: (s) => s.uploadEnabled }),
    status: t.field({
      type: StorageStatusEnum,
      nullable: true,
      description: 'whether the volume can take recordings (READY, LOW_SPACE) or why not; null where the vendor does not say',
      resolve: (s) => s.status ?? null,
    }),
    progressPercent: t.int({ nullable: true, description: 'how far a format has come, while status is FORMATTING', resolve: (s) => s.progressPercent ?? null }),
  }),
});

export const DeviceConnection = builder.connectionObject(
  {
    type: DeviceRef,
    name: 'DeviceConnection',
    fields: (t) => ({
      totalCount: t.int({ nullable: true, resolve: (c) => (c as { totalCount?: number }).totalCount ?? null }),
    }),
  },
  { name: 'DeviceEdge' },
);

export const RecordingConnection = builder.connectionObject({ type: RecordingRef, name: 'RecordingConnection' }, { name: 'RecordingEdge' });
export const SnapshotConnection = builder.connectionObject({ type: SnapshotRef, name: 'SnapshotConnection' }, { name: 'SnapshotEdge' });

function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

function checkDate(year: number, month: number, day: number): void {
  if (year < 1970 || year > 2200) throw badInput('year must be between 1970 and 2200', 'year');
  if (month < 1 || month > 12) throw badInput('month must be 1 to 12', 'month');
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > last) throw badInput(`day must be 1 to ${last}`, 'day');
}

const SNAPSHOT_WINDOW_MS = 24 * 3600 * 1000;

/** A page of a device's snapshot archive; the cursor is the snapshot's own id (its time), not an offset. */
async function snapshotPage(ctx: Context, d: Device, args: PageArgs & { from?: Date | null; to?: Date | null }) {
  const source = ctx.runtime.sources.get(d.sourceId);
  const first = args.first ?? 100;
  if (first < 0 || first > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}`, 'first');
  if (args.last != null || args.before != null) throw badInput('snapshots page forwards only: use first and after', 'last');
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - SNAPSHOT_WINDOW_MS);
  if (from > to) throw badInput('"from" must not be after "to"', 'from');
  let after: string | null = null;
  if (args.after) {
    const text = Buffer.from(args.after, 'base64').toString('utf8');
    if (!text.startsWith('snapshot:')) throw badInput('after is not a snapshots cursor', 'after');
    after = text.slice('snapshot:'.length);
  }
  const items = (await source?.snapshots?.list(d.vendorDeviceId, { from, to, after, limit: first + 1 })) ?? [];
  const page = items.slice(0, first);
  const cursor = (s: Snapshot) => Buffer.from(`snapshot:${s.vendorSnapshotId}`).toString('base64');
  return {
    edges: page.map((s) => ({ cursor: cursor(s), node: s })),
    pageInfo: {
      hasNextPage: items.length > first,
      hasPreviousPage: after !== null,
      startCursor: page[0] ? cursor(page[0]) : null,
      endCursor: page.length ? cursor(page[page.length - 1]!) : null,
    },
  };
}

builder.node(DeviceRef, {
  id: { resolve: (d) => localId(d.sourceId, d.vendorDeviceId) },
  loadOne: (id, ctx) => findDevice(ctx, id),
  fields: (t) => ({
    vendor: t.field({ type: VendorEnum, resolve: (d) => d.vendor }),
    source: t.field({
      type: SourceRef,
      resolve: (d, _a, ctx) => ctx.runtime.sources.get(d.sourceId)!,
    }),
    vendorDeviceId: t.string({
      description: 'Epiphan Id, Magewell serial, Videoloft uidd, Evercam camera id',
      resolve: (d) => d.vendorDeviceId,
    }),
    name: t.string({ resolve: (d) => d.name }),
    model: t.string({ nullable: true, resolve: (d) => d.model }),
    kind: t.field({ type: DeviceKindEnum, resolve: (d) => d.kind }),
    connection: t.field({ type: ConnectionStateEnum, resolve: (d) => d.connection }),
    isRecording: t.boolean({ nullable: true, description: 'null when the vendor does not know', resolve: (d) => d.isRecording }),
    isStreaming: t.boolean({ nullable: true, resolve: (d) => d.isStreaming }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.lastSeenAt }),
    timeZone: t.string({
      nullable: true,
      description: "the IANA time zone of the device's clock where the vendor names one (Evercam): snapshotDays and snapshotHours count in it",
      resolve: (d) => d.timeZone ?? null,
    }),
    observedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'when avgraph read this state from the vendor: how fresh the answer is (see the @fresh directive)',
      resolve: (d) => d.observedAt ?? null,
    }),
    capabilities: t.field({ type: [CapabilityEnum], resolve: (d) => d.capabilities }),
    states: t.field({
      type: [DeviceStateEnum],
      description:
        'what the device is going through besides recording and streaming, for a dashboard: REBOOTING (until it answers again), ' +
        'RESETTING, firmware update or check, formatting or testing storage, testing a stream or upload, OCCUPIED by another app. ' +
        'Empty when none, or where the vendor does not say.',
      resolve: (d) => d.states ?? [],
    }),
    firmware: t.field({ type: FirmwareRef, nullable: true, resolve: (d) => d.firmware }),
    settings: t.field({ type: DeviceSettingsRef, nullable: true, resolve: (d) => d.settings }),
    signal: t.field({ type: InputSignalRef, nullable: true, resolve: (d) => d.signal }),
    storage: t.field({ type: [StorageVolumeRef], resolve: (d) => d.storage }),
    recordings: t.connection(
      {
        type: RecordingRef,
        description:
          `newest first within from..to. Without "from": the ${DEFAULT_WINDOW_MS / 86_400_000} days up to "to" (default now), ` +
          'except where recordings are a finite list of files on the device (Magewell SD and USB), which answers all of them; ' +
          'pass "from" to look further back.',
        args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
        complexity: connectionCost(),
        resolve: async (d, args, ctx) => paginate(args, await deviceRecordings(ctx, d, args.from ?? null, args.to ?? null, recordingsNeeded(args))),
      },
      RecordingConnection,
    ),
    streams: t.field({ type: [StreamRef], resolve: (d) => d.streams }),
    snapshots: t.connection(
      {
        type: SnapshotRef,
        description:
          'the stored snapshot archive, oldest first within from..to (default: the last 24 hours); empty for vendors without one. ' +
          'Cursors are snapshot times, so pages stay stable while snapshots are added.',
        args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
        complexity: snapshotsCost,
        resolve: (d, args, ctx) => snapshotPage(ctx, d, args),
      },
      SnapshotConnection,
    ),
    latestSnapshot: t.field({
      type: SnapshotRef,
      nullable: true,
      complexity: optionalRead('snapshots'),
      resolve: async (d, _a, ctx) => d.latestSnapshot ?? (await ctx.runtime.sources.get(d.sourceId)?.snapshots?.latest(d.vendorDeviceId)) ?? null,
    }),
    liveSnapshotUrl: t.string({
      nullable: true,
      description:
        'a signed, short-lived avgraph /media URL of the picture the camera takes when the URL is fetched, read through the vendor ' +
        '(Evercam); null for devices without one. The fetch answers 502 while the camera cannot be reached.',
      resolve: (d, _a, ctx) => (d.liveSnapshot ? ctx.runtime.media.url(d.liveSnapshot) : null),
    }),
    hasSnapshotArchive: t.boolean({
      description: 'whether the vendor stores snapshots a client can browse by day and hour (snapshotDays, snapshotHours, snapshotAt, snapshots)',
      resolve: (d, _a, ctx) => Boolean(ctx.runtime.sources.get(d.sourceId)?.snapshots),
    }),
    snapshotAt: t.field({
      type: SnapshotRef,
      nullable: true,
      description: 'the stored snapshot closest to a time, optionally no further than withinSeconds away',
      args: { time: t.arg({ type: 'DateTime', required: true }), withinSeconds: t.arg.int() },
      complexity: optionalRead('snapshots'),
      resolve: async (d, args, ctx) => {
        if (args.withinSeconds != null && args.withinSeconds < 0) throw badInput('withinSeconds must not be negative', 'withinSeconds');
        return (await ctx.runtime.sources.get(d.sourceId)?.snapshots?.closest(d.vendorDeviceId, args.time, args.withinSeconds ?? null)) ?? null;
      },
    }),
    snapshotDays: t.intList({
      description: 'the days (1-31) of a month holding stored snapshots, in the camera\'s time zone: a calendar without fetching snapshots',
      args: { year: t.arg.int({ required: true }), month: t.arg.int({ required: true }) },
      complexity: optionalRead('snapshots'),
      resolve: async (d, { year, month }, ctx) => {
        checkDate(year, month, 1);
        return (await ctx.runtime.sources.get(d.sourceId)?.snapshots?.days(d.vendorDeviceId, year, month)) ?? [];
      },
    }),
    snapshotHours: t.intList({
      description: 'the hours (0-23) of a day holding stored snapshots, in the camera\'s time zone',
      args: { year: t.arg.int({ required: true }), month: t.arg.int({ required: true }), day: t.arg.int({ required: true }) },
      complexity: optionalRead('snapshots'),
      resolve: async (d, { year, month, day }, ctx) => {
        checkDate(year, month, day);
        return (await ctx.runtime.sources.get(d.sourceId)?.snapshots?.hours(d.vendorDeviceId, year, month, day)) ?? [];
      },
    }),
    shares: t.field({
      type: [ShareRef],
      description: 'empty for vendors without sharing',
      complexity: optionalRead('shares', LIST_SIZE),
      resolve: async (d, _a, ctx) => (await ctx.runtime.sources.get(d.sourceId)?.shares?.list(d.vendorDeviceId)) ?? [],
    }),
    vendorData: t.field({
      type: 'JSON',
      nullable: true,
      description: "the vendor's own payload, secrets removed; scope admin",
      resolve: (d, _a, ctx) => {
        if (!hasScope(ctx, 'admin')) throw new GraphQLError('vendorData needs the "admin" scope', { extensions: { code: 'FORBIDDEN' } });
        return d.vendorData;
      },
    }),
  }),
});
