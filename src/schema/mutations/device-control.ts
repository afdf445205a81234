import { deviceTarget, runCommand } from '../../control.js';
import { childTarget } from '../../lookup.js';
import { NotFoundError, NotSupportedError } from '../../errors.js';
import type { DeviceCommand } from '../../model.js';
import type { Context } from '../../context.js';
import { builder } from '../builder.js';
import { PtzDirectionEnum, PtzModeEnum, SnapshotSizeEnum } from '../enums.js';
import { MUTATION_ERRORS } from '../errors.js';
import { trackedDevicePayload, trackedSnapshotPayload, trackedStreamPayload } from './payloads.js';

const errors = { types: MUTATION_ERRORS, directResult: true } as const;

/** Runs a command and answers with the device as it is afterwards, and the command to follow. */
export async function commandDevice(ctx: Context, deviceId: string | number, command: DeviceCommand) {
  const { device, command: tracked } = await runCommand(ctx, String(deviceId), command);
  if (!device) throw new NotFoundError('the device is gone');
  return { device, command: tracked };
}

function simpleDeviceMutation(name: string, success: string, command: DeviceCommand) {
  builder.mutationField(name, (t) =>
    t.field({
      type: trackedDevicePayload(success),
      errors,
      args: { deviceId: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, command),
    }),
  );
}

simpleDeviceMutation('startRecording', 'StartRecordingSuccess', { type: 'startRecording' });
simpleDeviceMutation('stopRecording', 'StopRecordingSuccess', { type: 'stopRecording' });
simpleDeviceMutation('clearFootage', 'ClearFootageSuccess', { type: 'clearFootage' });

builder.mutationFields((t) => ({
  renameDevice: t.field({
    type: trackedDevicePayload('RenameDeviceSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'rename', name: args.name }),
  }),
  setUpload: t.field({
    type: trackedDevicePayload('SetUploadSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), enabled: t.arg.boolean({ required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'setUpload', enabled: args.enabled }),
  }),
  startStream: t.field({
    type: trackedStreamPayload('StartStreamSuccess'),
    errors,
    description: 'with rtmpUrl: push to that RTMP server; without: start the device\'s own live stream',
    args: { deviceId: t.arg.id({ required: true }), rtmpUrl: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      const { device, result, command: tracked } = await runCommand(ctx, String(args.deviceId), { type: 'startStream', rtmpUrl: args.rtmpUrl ?? null });
      const stream = device?.streams.find((s) => s.vendorStreamId === result.vendorStreamId);
      if (!stream) throw new NotFoundError('the device accepted the command but reports no such stream');
      return { stream, command: tracked };
    },
  }),
  stopStream: t.field({
    type: trackedDevicePayload('StopStreamSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), streamId: t.arg.id() },
    resolve: (_r, args, ctx) => {
      let vendorStreamId: string | null = null;
      if (args.streamId) {
        const stream = childTarget(ctx, String(args.streamId), 'Stream');
        const target = deviceTarget(ctx, String(args.deviceId));
        if (stream.source !== target.source || stream.deviceVendorId !== target.vendorDeviceId) {
          throw new NotFoundError('that stream does not belong to this device');
        }
        vendorStreamId = stream.ownId;
      }
      return commandDevice(ctx, args.deviceId, { type: 'stopStream', vendorStreamId });
    },
  }),
  captureSnapshot: t.field({
    type: trackedSnapshotPayload('CaptureSnapshotSuccess'),
    errors,
    args: {
      deviceId: t.arg.id({ required: true }),
      size: t.arg({ type: SnapshotSizeEnum }),
      notes: t.arg.string({ description: 'a note stored with the snapshot, where the vendor keeps notes (Evercam)' }),
    },
    resolve: async (_r, args, ctx) => {
      const command = { type: 'captureSnapshot' as const, size: args.size ?? null, notes: args.notes ?? null };
      const { result, command: tracked } = await runCommand(ctx, String(args.deviceId), command);
      if (!result.snapshot) throw new NotSupportedError('the device took no snapshot', 'SNAPSHOT_CAPTURE');
      return { snapshot: result.snapshot, command: tracked };
    },
  }),
  triggerEvent: t.field({
    type: trackedDevicePayload('TriggerEventSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), seconds: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'triggerEvent', seconds: args.seconds }),
  }),
  movePtz: t.field({
    type: trackedDevicePayload('MovePtzSuccess'),
    errors,
    args: {
      deviceId: t.arg.id({ required: true }),
      direction: t.arg({ type: PtzDirectionEnum, required: true }),
      mode: t.arg({ type: PtzModeEnum, required: true }),
    },
    resolve: (_r, args, ctx) =>
      commandDevice(ctx, args.deviceId, { type: 'movePtz', direction: args.direction, mode: args.mode }),
  }),
}));
