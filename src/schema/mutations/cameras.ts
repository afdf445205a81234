import { deviceTarget, forgetDevice, freshDevice, requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { checkCameraInput } from '../../input.js';
import { sourceFromArg } from '../../lookup.js';
import type { CameraInput as CameraInputShape } from '../../model.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { deviceIdPayload, devicePayload } from './payloads.js';

const errors = { types: MUTATION_ERRORS, directResult: true } as const;

const CameraInput = builder.inputType('CameraInput', {
  description: 'a camera as Evercam stores it; every field is checked before anything is sent',
  fields: (t) => ({
    name: t.string(),
    isPublic: t.boolean(),
    externalHost: t.string({ description: 'host name or IPv4 address, no scheme, port or path' }),
    externalHttpPort: t.int({ description: '1 to 65535' }),
    externalRtspPort: t.int({ description: '1 to 65535' }),
    jpgUrl: t.string({ description: 'the snapshot path on the camera, starting with "/"' }),
    username: t.string(),
    password: t.string({ description: 'write-only: never readable back' }),
  }),
});

const notSupported = (vendor: string, what: string) => new NotSupportedError(`${vendor} sources do not support ${what}`);

/** Camera management (Evercam). avgraph never contacts the camera host itself: only the vendor does. */
builder.mutationFields((t) => ({
  addCamera: t.field({
    type: devicePayload('AddCameraSuccess'),
    errors,
    args: { sourceId: t.arg.id({ required: true }), input: t.arg({ type: CameraInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      checkCameraInput(args.input as CameraInputShape);
      const source = sourceFromArg(ctx, String(args.sourceId));
      if (!source.cameras) throw notSupported(source.vendor, 'adding cameras');
      const id = await source.cameras.add(args.input as CameraInputShape);
      ctx.runtime.pollers.kick(source.id);
      return { device: await freshDevice(ctx, source, id) };
    },
  }),
  updateCamera: t.field({
    type: devicePayload('UpdateCameraSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), input: t.arg({ type: CameraInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      checkCameraInput(args.input as CameraInputShape);
      const { source, vendorDeviceId } = deviceTarget(ctx, String(args.deviceId));
      if (!source.cameras) throw notSupported(source.vendor, 'updating cameras');
      await source.cameras.update(vendorDeviceId, args.input as CameraInputShape);
      ctx.runtime.pollers.kick(source.id);
      return { device: await freshDevice(ctx, source, vendorDeviceId) };
    },
  }),
  removeCamera: t.field({
    type: deviceIdPayload('RemoveCameraSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      const { source, vendorDeviceId } = deviceTarget(ctx, String(args.deviceId));
      if (!source.cameras) throw notSupported(source.vendor, 'removing cameras');
      await source.cameras.remove(vendorDeviceId);
      forgetDevice(ctx, source, vendorDeviceId);
      ctx.runtime.pollers.kick(source.id);
      return { deviceId: String(args.deviceId) };
    },
  }),
}));
