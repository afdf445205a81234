import { deviceTarget, requireCapability, requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { expectId, sourceFromArg } from '../../lookup.js';
import { builder } from '../builder.js';
import { ShareRightEnum } from '../enums.js';
import { MUTATION_ERRORS } from '../errors.js';
import { deviceIdPayload, devicePayload, sharePayload } from './payloads.js';

/**
 * Mutations of the contract that no source implemented so far can perform: they check scope, ids and
 * capabilities like every mutation and answer NotSupportedError without an upstream call. A vendor that
 * gains one of these capabilities replaces the final refusal with its source method.
 */
const errors = { types: MUTATION_ERRORS, directResult: true } as const;

const DeletedShare = builder.objectRef<{ shareId: string }>('DeleteShareSuccess').implement({
  fields: (t) => ({ shareId: t.id({ resolve: (p) => p.shareId }) }),
});

const CameraInput = builder.inputType('CameraInput', {
  fields: (t) => ({
    name: t.string(),
    isPublic: t.boolean(),
    externalHost: t.string(),
    externalHttpPort: t.int(),
    externalRtspPort: t.int(),
    jpgUrl: t.string(),
    username: t.string(),
    password: t.string({ description: 'write-only: never readable back' }),
  }),
});

function refuse(vendor: string, what: string, capability: Parameters<typeof requireCapability>[2] | null = null): never {
  throw new NotSupportedError(`${vendor} sources do not support ${what}`, capability);
}

builder.mutationFields((t) => ({
  createShare: t.field({
    type: sharePayload('CreateShareSuccess'),
    errors,
    args: {
      deviceId: t.arg.id({ required: true }),
      email: t.arg.string({ required: true }),
      rights: t.arg({ type: [ShareRightEnum], required: true }),
    },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      const { source, vendorDeviceId } = deviceTarget(ctx, String(args.deviceId));
      await requireCapability(source, vendorDeviceId, 'SHARE');
      return refuse(source.vendor, 'shares', 'SHARE');
    },
  }),
  deleteShare: t.field({
    type: DeletedShare,
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      const id = expectId(String(args.id), 'Share');
      return refuse(sourceFromArg(ctx, id.sourceId).vendor, 'shares', 'SHARE');
    },
  }),
  addCamera: t.field({
    type: devicePayload('AddCameraSuccess'),
    errors,
    args: { sourceId: t.arg.id({ required: true }), input: t.arg({ type: CameraInput, required: true }) },
    resolve: (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      return refuse(sourceFromArg(ctx, String(args.sourceId)).vendor, 'adding cameras');
    },
  }),
  updateCamera: t.field({
    type: devicePayload('UpdateCameraSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }), input: t.arg({ type: CameraInput, required: true }) },
    resolve: (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      return refuse(deviceTarget(ctx, String(args.deviceId)).source.vendor, 'updating cameras');
    },
  }),
  removeCamera: t.field({
    type: deviceIdPayload('RemoveCameraSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      return refuse(deviceTarget(ctx, String(args.deviceId)).source.vendor, 'removing cameras');
    },
  }),
}));
