import { AlreadyUpToDateError } from '../../errors.js';
import { builder } from '../builder.js';
import { StorageKindEnum } from '../enums.js';
import { ErrorInterface, MUTATION_ERRORS } from '../errors.js';
import { commandDevice } from './device-control.js';
import { trackedDevicePayload } from './payloads.js';

// Restarting a device, erasing its storage and updating its firmware: maintenance that takes it away a while.

builder.objectType(AlreadyUpToDateError, {
  name: 'AlreadyUpToDateError',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof AlreadyUpToDateError,
  fields: (t) => ({ version: t.string({ nullable: true, description: 'the version the device runs', resolve: (e) => e.version }) }),
});

const errors = { types: MUTATION_ERRORS, directResult: true } as const;

builder.mutationFields((t) => ({
  rebootDevice: t.field({
    type: trackedDevicePayload('RebootDeviceSuccess'),
    errors,
    description: 'restarts the device; its states show REBOOTING until it answers again (scope control)',
    args: { deviceId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'reboot' }),
  }),
  formatStorage: t.field({
    type: trackedDevicePayload('FormatStorageSuccess'),
    errors,
    description:
      'erases a storage volume and every recording on it, beyond recovery and without a way to cancel; refused while the device ' +
      'records, updates or reboots. The volume shows FORMATTING with its progress until done (scope admin)',
    args: { deviceId: t.arg.id({ required: true }), kind: t.arg({ type: StorageKindEnum, required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'formatStorage', kind: args.kind }),
  }),
  startFirmwareUpdate: t.field({
    type: trackedDevicePayload('StartFirmwareUpdateSuccess'),
    errors: { types: [...MUTATION_ERRORS, AlreadyUpToDateError], directResult: true },
    description: 'looks for a newer firmware and starts installing it; AlreadyUpToDateError when there is none, and nothing is started (scope admin)',
    args: { deviceId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => commandDevice(ctx, args.deviceId, { type: 'startFirmwareUpdate' }),
  }),
}));
