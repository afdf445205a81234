import { requireCapability, requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { childId, encodeGlobalId } from '../../ids.js';
import { childTarget, sourceFromArg } from '../../lookup.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';

const DeletedIds = builder.objectRef<{ deletedIds: string[] }>('DeleteRecordingsSuccess').implement({
  fields: (t) => ({ deletedIds: t.idList({ resolve: (p) => p.deletedIds }) }),
});

builder.mutationField('deleteRecordings', (t) =>
  t.field({
    type: DeletedIds,
    errors: { types: MUTATION_ERRORS, directResult: true },
    description: 'every id is checked before anything is deleted; ids are grouped into one call per device',
    args: { ids: t.arg.idList({ required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'control');
      const groups = new Map<string, { sourceId: string; deviceVendorId: string; ids: string[] }>();
      for (const raw of args.ids) {
        const { source, deviceVendorId, ownId } = childTarget(ctx, String(raw), 'Recording');
        await requireCapability(source, deviceVendorId, 'DELETE_RECORDINGS');
        if (!source.deleteRecordings) throw new NotSupportedError(`${source.vendor} cannot delete recordings`, 'DELETE_RECORDINGS');
        const key = `${source.id}\n${deviceVendorId}`;
        const g = groups.get(key) ?? { sourceId: source.id, deviceVendorId, ids: [] };
        g.ids.push(ownId);
        groups.set(key, g);
      }
      const deletedIds: string[] = [];
      for (const g of groups.values()) {
        const source = sourceFromArg(ctx, g.sourceId);
        const done = await source.deleteRecordings!(g.deviceVendorId, g.ids);
        deletedIds.push(...done.map((own) => encodeGlobalId('Recording', g.sourceId, childId(g.deviceVendorId, own))));
        ctx.runtime.pollers.kick(g.sourceId);
      }
      return { deletedIds };
    },
  }),
);
