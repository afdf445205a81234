import type { Device, Share, Snapshot, Stream } from '../../model.js';
import { builder } from '../builder.js';
import type { CommandRecord } from '../../commands/record.js';
import { DeviceRef, ShareRef, SnapshotRef, StreamRef } from '../refs.js';
import { CommandRef } from '../command.js';

/** Success types carry the field(s) the contract names after each mutation's arrow. */
export function devicePayload(name: string) {
  return builder.objectRef<{ device: Device }>(name).implement({
    fields: (t) => ({ device: t.field({ type: DeviceRef, resolve: (p) => p.device }) }),
  });
}

export function deviceIdPayload(name: string) {
  return builder.objectRef<{ deviceId: string }>(name).implement({
    fields: (t) => ({ deviceId: t.id({ resolve: (p) => p.deviceId }) }),
  });
}

export function sharePayload(name: string) {
  return builder.objectRef<{ share: Share }>(name).implement({
    fields: (t) => ({ share: t.field({ type: ShareRef, resolve: (p) => p.share }) }),
  });
}

/** The success types of control mutations also carry the command, to follow until a read of the device confirms it. */
const commandField = { type: CommandRef, description: 'the command as sent: PENDING until a read of the device shows its effect' } as const;

export function trackedDevicePayload(name: string) {
  return builder.objectRef<{ device: Device; command: CommandRecord }>(name).implement({
    fields: (t) => ({
      device: t.field({ type: DeviceRef, resolve: (p) => p.device }),
      command: t.field({ ...commandField, resolve: (p) => p.command }),
    }),
  });
}

export function trackedDeviceIdPayload(name: string) {
  return builder.objectRef<{ deviceId: string; command: CommandRecord }>(name).implement({
    fields: (t) => ({
      deviceId: t.id({ resolve: (p) => p.deviceId }),
      command: t.field({ ...commandField, resolve: (p) => p.command }),
    }),
  });
}

export function trackedStreamPayload(name: string) {
  return builder.objectRef<{ stream: Stream; command: CommandRecord }>(name).implement({
    fields: (t) => ({
      stream: t.field({ type: StreamRef, resolve: (p) => p.stream }),
      command: t.field({ ...commandField, resolve: (p) => p.command }),
    }),
  });
}

export function trackedSnapshotPayload(name: string) {
  return builder.objectRef<{ snapshot: Snapshot; command: CommandRecord }>(name).implement({
    fields: (t) => ({
      snapshot: t.field({ type: SnapshotRef, resolve: (p) => p.snapshot }),
      command: t.field({ ...commandField, resolve: (p) => p.command }),
    }),
  });
}
