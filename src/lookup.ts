import { loadDevice, type Context } from './context.js';
import { NotFoundError } from './errors.js';
import { decodeGlobalId, parseChildId, parseLocalId, type LocalId } from './ids.js';
import type { Device, Recording, Share, Snapshot, Stream } from './model.js';
import type { Source } from './sources/source.js';

/** Local ids ("<sourceId>:<vendorId>") and global ids resolved to entities. Unknown → null. */

export function findSource(ctx: Context, sourceId: string): Source | null {
  return ctx.runtime.sources.get(sourceId) ?? null;
}

export async function findDevice(ctx: Context, local: string): Promise<Device | null> {
  const id = parseLocalId(local);
  return id ? loadDevice(ctx, id.sourceId, id.vendorId) : null;
}

function child(local: string) {
  const id = parseLocalId(local);
  const c = id && parseChildId(id.vendorId);
  return id && c ? { sourceId: id.sourceId, ...c } : null;
}

export async function findRecording(ctx: Context, local: string): Promise<Recording | null> {
  const c = child(local);
  const source = c && findSource(ctx, c.sourceId);
  if (!c || !source) return null;
  return source.getRecording(c.deviceVendorId, c.ownId);
}

export async function findStream(ctx: Context, local: string): Promise<Stream | null> {
  const c = child(local);
  if (!c) return null;
  const device = await loadDevice(ctx, c.sourceId, c.deviceVendorId);
  return device?.streams.find((s) => s.vendorStreamId === c.ownId) ?? null;
}

export async function findSnapshot(ctx: Context, local: string): Promise<Snapshot | null> {
  const c = child(local);
  const source = c && findSource(ctx, c.sourceId);
  if (!c || !source) return null;
  const device = await loadDevice(ctx, c.sourceId, c.deviceVendorId);
  if (!device) return null;
  const latest = device.latestSnapshot;
  if (latest && latest.vendorSnapshotId === c.ownId) return latest;
  return (await source.getSnapshot?.(c.deviceVendorId, c.ownId)) ?? null;
}

export async function findShare(ctx: Context, local: string): Promise<Share | null> {
  const c = child(local);
  const source = c && findSource(ctx, c.sourceId);
  if (!c || !source?.shares) return null;
  return (await source.shares.list(c.deviceVendorId)).find((s) => s.vendorShareId === c.ownId) ?? null;
}

/** A global id argument of the expected type, or NotFoundError. */
export function expectId(globalId: string, type: string): LocalId {
  const id = decodeGlobalId(globalId);
  if (!id || id.type !== type) throw new NotFoundError(`${JSON.stringify(globalId)} is not a ${type} id`);
  return id;
}

/** The source, owning device and own id a global id of a device-owned thing names; NotFoundError otherwise. */
export function childTarget(ctx: Context, globalId: string, type: string): { source: Source; deviceVendorId: string; ownId: string } {
  const id = expectId(globalId, type);
  const owned = parseChildId(id.vendorId);
  if (!owned) throw new NotFoundError(`${JSON.stringify(globalId)} is not a ${type} id`);
  return { source: sourceFromArg(ctx, id.sourceId), ...owned };
}

/** The source a global Source id (or its config name) names. */
export function sourceFromArg(ctx: Context, idOrName: string): Source {
  const decoded = decodeGlobalId(idOrName);
  const name = decoded?.type === 'Source' ? decoded.sourceId : idOrName;
  const source = ctx.runtime.sources.get(name);
  if (!source) throw new NotFoundError(`no source ${JSON.stringify(idOrName)}`);
  return source;
}
