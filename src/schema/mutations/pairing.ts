import { freshDevice, requireScope, runCommand } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { checkText, LIMITS } from '../../input.js';
import { sourceFromArg } from '../../lookup.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { devicePayload, trackedDeviceIdPayload } from './payloads.js';

const errors = { types: MUTATION_ERRORS, directResult: true } as const;

builder.mutationFields((t) => ({
  pairDevice: t.field({
    type: devicePayload('PairDeviceSuccess'),
    errors,
    args: {
      sourceId: t.arg.id({ required: true, description: 'a Source id, or the source name from the config' }),
      pairingCode: t.arg.string({ required: true }),
      name: t.arg.string(),
    },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      checkText(args.pairingCode, 'pairingCode', LIMITS.pairingCode);
      if (args.name != null) checkText(args.name, 'name', LIMITS.name);
      const source = sourceFromArg(ctx, String(args.sourceId));
      if (!source.pair) throw new NotSupportedError(`${source.vendor} sources cannot pair devices`, 'PAIRING');
      const vendorDeviceId = await source.pair(args.pairingCode.trim(), args.name ?? null);
      ctx.runtime.pollers.kick(source.id);
      return { device: await freshDevice(ctx, source, vendorDeviceId) };
    },
  }),
  unpairDevice: t.field({
    type: trackedDeviceIdPayload('UnpairDeviceSuccess'),
    errors,
    args: { deviceId: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { command } = await runCommand(ctx, String(args.deviceId), { type: 'unpair' });
      return { deviceId: String(args.deviceId), command };
    },
  }),
}));
