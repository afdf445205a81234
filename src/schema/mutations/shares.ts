import { deviceTarget, requireCapability, requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { checkText, LIMITS } from '../../input.js';
import { childTarget } from '../../lookup.js';
import { builder } from '../builder.js';
import { ShareRightEnum } from '../enums.js';
import { MUTATION_ERRORS } from '../errors.js';
import { sharePayload } from './payloads.js';

const errors = { types: MUTATION_ERRORS, directResult: true } as const;

const DeletedShare = builder.objectRef<{ shareId: string }>('DeleteShareSuccess').implement({
  fields: (t) => ({ shareId: t.id({ resolve: (p) => p.shareId }) }),
});

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
      checkText(args.email, 'email', LIMITS.email);
      const { source, vendorDeviceId } = deviceTarget(ctx, String(args.deviceId));
      await requireCapability(source, vendorDeviceId, 'SHARE');
      if (!source.shares?.create) throw new NotSupportedError(`${source.vendor} sources cannot create shares`, 'SHARE');
      const share = await source.shares.create(vendorDeviceId, args.email.trim(), args.rights);
      ctx.runtime.pollers.kick(source.id);
      return { share };
    },
  }),
  deleteShare: t.field({
    type: DeletedShare,
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      const { source, deviceVendorId, ownId } = childTarget(ctx, String(args.id), 'Share');
      await requireCapability(source, deviceVendorId, 'SHARE');
      if (!source.shares?.delete) throw new NotSupportedError(`${source.vendor} sources cannot delete shares`, 'SHARE');
      await source.shares.delete(deviceVendorId, ownId);
      return { shareId: String(args.id) };
    },
  }),
}));
