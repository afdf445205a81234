import { runCommand } from '../../control.js';
import { NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { trackedDevicePayload } from './payloads.js';

/** One input for updateDeviceSettings and runFleetCommand's UPDATE_SETTINGS, so clients reuse their variables. */
export const DeviceSettingsInput = builder.inputType('DeviceSettingsInput', {
  fields: (t) => ({
    resolution: t.string(),
    videoBitrateKbps: t.int(),
    frameRate: t.float(),
    audioBitrateKbps: t.int(),
    keyframeIntervalSeconds: t.int(),
    chunkDurationSeconds: t.int(),
  }),
});

builder.mutationField('updateDeviceSettings', (t) =>
  t.field({
    type: trackedDevicePayload('UpdateDeviceSettingsSuccess'),
    errors: { types: MUTATION_ERRORS, directResult: true },
    description: 'validated against what the vendor allows before anything is sent; a ValidationError names the field',
    args: { deviceId: t.arg.id({ required: true }), input: t.arg({ type: DeviceSettingsInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const { device, command } = await runCommand(ctx, String(args.deviceId), { type: 'updateSettings', input: args.input });
      if (!device) throw new NotFoundError('the device is gone');
      return { device, command };
    },
  }),
);
