import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { sourceFromArg } from '../lookup.js';
import type { CameraCatalog, CameraModel, CameraVendor } from '../sources/source.js';
import { LIST_SIZE, UPSTREAM } from '../limits/cost.js';
import { builder } from './builder.js';

const CameraVendorRef = builder.objectRef<CameraVendor>('CameraVendor').implement({
  description: 'a camera maker the vendor knows (Evercam), with the MAC prefixes its hardware uses',
  fields: (t) => ({
    id: t.string({ resolve: (v) => v.id }),
    name: t.string({ resolve: (v) => v.name }),
    macPrefixes: t.stringList({ resolve: (v) => v.macPrefixes }),
    supported: t.boolean({ nullable: true, resolve: (v) => v.supported }),
    models: t.stringList({ resolve: (v) => v.models }),
  }),
});

const CameraModelRef = builder.objectRef<CameraModel>('CameraModel').implement({
  fields: (t) => ({
    vendorId: t.string({ resolve: (m) => m.vendorId }),
    name: t.string({ resolve: (m) => m.name }),
    knownModels: t.stringList({ resolve: (m) => m.knownModels }),
    defaults: t.field({ type: 'JSON', nullable: true, description: 'default settings, e.g. the snapshot path', resolve: (m) => m.defaults }),
  }),
});

/** The catalogue of the named source, or of the first source that has one. */
function catalog(ctx: Context, sourceId: string | number | null | undefined): CameraCatalog {
  if (sourceId !== null && sourceId !== undefined) {
    const source = sourceFromArg(ctx, String(sourceId));
    if (!source.catalog) throw new GraphQLError(`${source.vendor} sources have no camera catalogue`, { extensions: { code: 'NOT_SUPPORTED' } });
    return source.catalog;
  }
  const found = [...ctx.runtime.sources.values()].find((s) => s.catalog);
  if (!found?.catalog) throw new GraphQLError('no configured source has a camera catalogue', { extensions: { code: 'NOT_SUPPORTED' } });
  return found.catalog;
}

builder.queryFields((t) => ({
  cameraVendors: t.field({
    type: [CameraVendorRef],
    description: 'camera makers, optionally those using a MAC prefix (useful when adding a camera)',
    args: { sourceId: t.arg.id(), mac: t.arg.string() },
    complexity: { field: UPSTREAM, multiplier: LIST_SIZE },
    resolve: (_r, args, ctx) => catalog(ctx, args.sourceId).vendors(args.mac ?? null),
  }),
  cameraModels: t.field({
    type: [CameraModelRef],
    args: { sourceId: t.arg.id(), vendor: t.arg.string({ required: true }) },
    complexity: { field: UPSTREAM, multiplier: LIST_SIZE },
    resolve: (_r, args, ctx) => catalog(ctx, args.sourceId).models(args.vendor),
  }),
  cameraModel: t.field({
    type: CameraModelRef,
    nullable: true,
    args: { sourceId: t.arg.id(), vendor: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    complexity: UPSTREAM,
    resolve: (_r, args, ctx) => catalog(ctx, args.sourceId).model(args.vendor, args.name),
  }),
}));
