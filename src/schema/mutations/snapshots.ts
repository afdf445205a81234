import { requireScope } from '../../control.js';
import { NotFoundError, NotSupportedError } from '../../errors.js';
import { parseChildId } from '../../ids.js';
import { expectId, sourceFromArg } from '../../lookup.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';

const DeletedSnapshot = builder.objectRef<{ snapshotId: string }>('DeleteSnapshotSuccess').implement({
  fields: (t) => ({ snapshotId: t.id({ resolve: (p) => p.snapshotId }) }),
});

builder.mutationField('deleteSnapshot', (t) =>
  t.field({
    type: DeletedSnapshot,
    errors: { types: MUTATION_ERRORS, directResult: true },
    description: 'deletes a stored snapshot from a snapshot archive (Evercam deletes by its exact time)',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'control');
      const id = expectId(String(args.id), 'Snapshot');
      const owned = parseChildId(id.vendorId);
      if (!owned) throw new NotFoundError(`${JSON.stringify(args.id)} is not a Snapshot id`);
      const source = sourceFromArg(ctx, id.sourceId);
      if (!source.deleteSnapshot) throw new NotSupportedError(`${source.vendor} keeps no snapshot archive to delete from`);
      await source.deleteSnapshot(owned.deviceVendorId, owned.ownId);
      return { snapshotId: String(args.id) };
    },
  }),
);
