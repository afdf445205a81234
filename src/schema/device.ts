import { GraphQLError } from 'graphql';
import { hasScope } from '../context.js';
import { findDevice } from '../lookup.js';
import { localId } from '../ids.js';
import type { DeviceSettings, Firmware, InputSignal, StorageVolume } from '../model.js';
import { builder } from './builder.js';
import { paginate } from './connection.js';
import {
  CapabilityEnum,
  ConnectionStateEnum,
  DeviceKindEnum,
  StorageKindEnum,
  VendorEnum,
} from './enums.js';
import { DeviceRef, RecordingRef, ShareRef, SnapshotRef, SourceRef, StreamRef } from './refs.js';
import { deviceRecordings } from '../recordings.js';

const FirmwareRef = builder.objectRef<Firmware>('Firmware').implement({
  fields: (t) => ({
    version: t.string({ nullable: true, resolve: (f) => f.version }),
    updateAvailable: t.boolean({ nullable: true, resolve: (f) => f.updateAvailable }),
    updateInProgress: t.boolean({ resolve: (f) => f.updateInProgress }),
    progressPercent: t.int({ nullable: true, resolve: (f) => f.progressPercent }),
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
    allowedResolutions: t.stringList({ resolve: (s) => s.allowedResolutions }),
    maxVideoBitrateKbps: t.int({ nullable: true, resolve: (s) => s.maxVideoBitrateKbps }),
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
    capabilities: t.field({ type: [CapabilityEnum], resolve: (d) => d.capabilities }),
    firmware: t.field({ type: FirmwareRef, nullable: true, resolve: (d) => d.firmware }),
    settings: t.field({ type: DeviceSettingsRef, nullable: true, resolve: (d) => d.settings }),
    signal: t.field({ type: InputSignalRef, nullable: true, resolve: (d) => d.signal }),
    storage: t.field({ type: [StorageVolumeRef], resolve: (d) => d.storage }),
    recordings: t.connection(
      {
        type: RecordingRef,
        args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
        resolve: async (d, args, ctx) => paginate(args, await deviceRecordings(ctx, d, args.from ?? null, args.to ?? null)),
      },
      RecordingConnection,
    ),
    streams: t.field({ type: [StreamRef], resolve: (d) => d.streams }),
    snapshots: t.connection(
      {
        type: SnapshotRef,
        description: 'the snapshot archive, for vendors that keep one; the latest snapshot alone is latestSnapshot',
        args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
        // No vendor implemented so far keeps a snapshot archive.
        resolve: (_d, args) => paginate(args, []),
      },
      SnapshotConnection,
    ),
    latestSnapshot: t.field({ type: SnapshotRef, nullable: true, resolve: (d) => d.latestSnapshot }),
    shares: t.field({
      type: [ShareRef],
      description: 'empty for vendors without sharing',
      resolve: async (d, _a, ctx) => (await ctx.runtime.sources.get(d.sourceId)?.listShares?.(d.vendorDeviceId)) ?? [],
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
