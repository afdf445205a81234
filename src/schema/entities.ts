import type { Context } from '../context.js';
import { decodeGlobalId, localId } from '../ids.js';
import { findDevice, findRecording, findShare, findSnapshot, findStream } from '../lookup.js';
import { builder } from './builder.js';
import { DeviceRef, RecordingRef, ShareRef, SnapshotRef, SourceRef, StreamRef } from './refs.js';

/** Apollo Federation v2: the node types are entities keyed by their global id. */
const key = builder.selection<{ id: string }>('id');

function byGlobalId<T>(type: string, find: (ctx: Context, local: string) => Promise<T | null> | T | null) {
  return ({ id }: { id: string }, ctx: Context) => {
    const g = decodeGlobalId(id);
    return g && g.type === type ? find(ctx, localId(g.sourceId, g.vendorId)) : null;
  };
}

builder.asEntity(DeviceRef, { key, resolveReference: byGlobalId('Device', findDevice) });
builder.asEntity(RecordingRef, { key, resolveReference: byGlobalId('Recording', findRecording) });
builder.asEntity(StreamRef, { key, resolveReference: byGlobalId('Stream', findStream) });
builder.asEntity(SnapshotRef, { key, resolveReference: byGlobalId('Snapshot', findSnapshot) });
builder.asEntity(ShareRef, { key, resolveReference: byGlobalId('Share', findShare) });
builder.asEntity(SourceRef, {
  key,
  resolveReference: byGlobalId('Source', (ctx, local) => ctx.runtime.sources.get(local.split(':')[0]!) ?? null),
});
