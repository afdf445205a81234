import { requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { childTarget } from '../../lookup.js';
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
      const { source, deviceVendorId, ownId } = childTarget(ctx, String(args.id), 'Snapshot');
      if (!source.snapshots) throw new NotSupportedError(`${source.vendor} keeps no snapshot archive to delete from`);
      await source.snapshots.delete(deviceVendorId, ownId);
      return { snapshotId: String(args.id) };
    },
  }),
);
