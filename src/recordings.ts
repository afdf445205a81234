import { offsetForArgs } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { addPartialError, loadFleets, type Context } from './context.js';
import type { Device, Recording, RecordingTrigger, TimeRange } from './model.js';
import { DEFAULT_PAGE, MAX_PAGE, pageSize, type PageArgs } from './schema/connection.js';

const DAY = 24 * 3600 * 1000;
/** Without `from`, recordings of the last week. */
export const DEFAULT_WINDOW_MS = 7 * DAY;

/** Without `from`: the default window, or everything up to `to` (`whole`). */
export function timeRange(from: Date | null, to: Date | null, now = Date.now(), whole = false): TimeRange {
  const end = to ?? new Date(now);
  const start = from ?? new Date(whole ? 0 : end.getTime() - DEFAULT_WINDOW_MS);
  if (start.getTime() > end.getTime()) {
    throw new GraphQLError('"from" must not be after "to"', { extensions: { code: 'BAD_USER_INPUT', field: 'from' } });
  }
  return { from: start, to: end };
}

const newestFirst = (a: Recording, b: Recording) => b.startedAt.getTime() - a.startedAt.getTime();

/**
 * How many of the newest recordings a Relay page needs: its end plus one (to tell whether a next page
 * exists). Undefined for a page counted from the end (`last`), which needs them all.
 */
export function recordingsNeeded(args: PageArgs): number | undefined {
  pageSize(args);
  if (args.last !== undefined && args.last !== null) return undefined;
  const { offset, limit } = offsetForArgs({ args, defaultSize: DEFAULT_PAGE, maxSize: MAX_PAGE });
  return offset + limit;
}

/**
 * One device's recordings in a range, newest first; with `limit`, a source may stop reading once it has
 * that many. (Sources without recordings answer [] without a call.)
 */
export async function deviceRecordings(ctx: Context, device: Device, from: Date | null, to: Date | null, limit?: number): Promise<Recording[]> {
  const source = ctx.runtime.sources.get(device.sourceId);
  const range = timeRange(from, to, Date.now(), source?.recordingsAreFiles === true);
  if (!source) return [];
  return (await source.listRecordings(device.vendorDeviceId, limit === undefined ? range : { ...range, limit })).sort(newestFirst);
}

export interface RecordingQuery {
  /** Devices to include; all devices of all sources when absent. */
  devices: { sourceId: string; vendorDeviceId: string }[] | null;
  from: Date | null;
  to: Date | null;
  triggers: RecordingTrigger[] | null;
}

/**
 * Recordings of many devices merged into one timeline, newest first. A failing source adds a partial
 * error and its recordings are left out; the rest still answer.
 */
export async function mergedRecordings(ctx: Context, q: RecordingQuery): Promise<Recording[]> {
  const range = timeRange(q.from, q.to);
  let targets: Device[];
  if (q.devices) {
    const sourceIds = [...new Set(q.devices.map((d) => d.sourceId))].filter((id) => ctx.runtime.sources.has(id));
    const fleet = await loadFleets(ctx, sourceIds);
    const wanted = new Set(q.devices.map((d) => `${d.sourceId}\n${d.vendorDeviceId}`));
    targets = fleet.filter((d) => wanted.has(`${d.sourceId}\n${d.vendorDeviceId}`));
  } else {
    targets = await loadFleets(ctx, [...ctx.runtime.sources.keys()]);
  }
  const lists = await Promise.all(
    targets.map(async (d) => {
      const source = ctx.runtime.sources.get(d.sourceId)!;
      try {
        return await source.listRecordings(d.vendorDeviceId, range);
      } catch (e) {
        addPartialError(ctx, source.id, e);
        return [];
      }
    }),
  );
  const all = lists.flat().filter((r) => !q.triggers?.length || q.triggers.includes(r.trigger));
  return all.sort(newestFirst);
}
