import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Caller } from './auth.js';
import type { Scope } from './config.js';
import { UpstreamError } from './errors.js';
import type { Logger } from './log.js';
import type { Device } from './model.js';
import type { Runtime } from './runtime.js';
import type { FleetRead, Source } from './sources/source.js';

/** Per-request state: who is calling, request-scoped loaders, and errors to add beside partial data. */
export interface Context {
  runtime: Runtime;
  caller: Caller;
  loaders: Loaders;
  /** Errors of sources that failed while others answered; appended to the response by usePartialErrors. */
  partialErrors: GraphQLError[];
  /**
   * How old an answer this request accepts (the `@fresh` directive); null: each source's own default. An object,
   * so it survives the context being copied (yoga merges contexts).
   */
  freshness: { maxAgeMs: number | null };
  /** This request's id (x-request-id), on every line of `log`. */
  requestId: string;
  log: Logger;
}

/**
 * Request-scoped views of the process-wide device stores: within one request every field sees the same read,
 * and asks made in one tick are batched.
 */
export interface Loaders {
  /** The whole fleet of a source. */
  fleet: DataLoader<string, FleetRead>;
  /** One device, keyed "<sourceId> <vendorDeviceId>": read alone where the vendor is per device. */
  device: DataLoader<string, Device | null>;
}

const DEVICE_KEY = ' ';

function createLoaders(runtime: Runtime, freshness: Context['freshness']): Loaders {
  const maxAge = () => freshness.maxAgeMs ?? undefined;
  const store = (id: string) => {
    const s = runtime.stores.get(id);
    if (!s) throw new Error(`unknown source ${id}`);
    return s;
  };
  const settle = <T>(p: () => Promise<T>) => p().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  return {
    fleet: new DataLoader<string, FleetRead>((ids) =>
      Promise.all(ids.map((id) => settle(() => store(id).fleet(maxAge())))),
    ),
    device: new DataLoader<string, Device | null>((keys) =>
      Promise.all(
        keys.map((key) => {
          // source ids hold no space (config rule); vendor ids may
          const at = key.indexOf(DEVICE_KEY);
          const sourceId = key.slice(0, at);
          const vendorDeviceId = key.slice(at + DEVICE_KEY.length);
          return settle(() => store(sourceId).device(vendorDeviceId, maxAge()));
        }),
      ),
    ),
  };
}

export function createContext(runtime: Runtime, caller: Caller, requestId: string = randomUUID()): Context {
  const freshness = { maxAgeMs: null };
  const log = runtime.log.child({ requestId });
  return { runtime, caller, loaders: createLoaders(runtime, freshness), partialErrors: [], freshness, requestId, log };
}

/** Forgets what this request has read (a subscription's context lives as long as it does). */
export function forgetReads(ctx: Context): void {
  ctx.loaders.fleet.clearAll();
  ctx.loaders.device.clearAll();
}

export function hasScope(ctx: Context, scope: Scope): boolean {
  return ctx.caller.scopes.has(scope);
}

/** The GraphQL error a failing source contributes to an otherwise successful answer. */
export function sourceUnavailable(source: Source, error: unknown): GraphQLError {
  const message = error instanceof UpstreamError ? error.message : `${source.vendor} source "${source.id}" failed`;
  return new GraphQLError(message, {
    extensions: { code: 'UPSTREAM_UNAVAILABLE', source: source.id, vendor: source.vendor },
  });
}

/**
 * Devices of many sources. A failing source adds one error to the response and contributes no devices (with
 * `lastOnFailure`, the devices of its last fleet read kept); the others still answer.
 */
export async function loadFleets(ctx: Context, sourceIds: string[], options: { lastOnFailure?: boolean } = {}): Promise<Device[]> {
  const results = await Promise.all(
    sourceIds.map(async (id) => {
      try {
        const read = await ctx.loaders.fleet.load(id);
        for (const failure of read.failures) addPartialError(ctx, id, failure);
        return read.devices;
      } catch (e) {
        addPartialError(ctx, id, e);
        return options.lastOnFailure ? (ctx.runtime.stores.get(id)?.lastFleet() ?? []) : [];
      }
    }),
  );
  return results.flat();
}

/** Adds a failing source's error once per distinct message (one source may fail for several hosts). */
export function addPartialError(ctx: Context, sourceId: string, error: unknown): void {
  const source = ctx.runtime.sources.get(sourceId);
  if (!source) return;
  const err = sourceUnavailable(source, error);
  if (!ctx.partialErrors.some((e) => e.extensions.source === sourceId && e.message === err.message)) ctx.partialErrors.push(err);
}

/** One device: from the fleet read the rest of the request shares, or alone where the vendor reads per device. */
export async function loadDevice(ctx: Context, sourceId: string, vendorDeviceId: string): Promise<Device | null> {
  const source = ctx.runtime.sources.get(sourceId);
  if (!source) return null;
  if (source.reads === 'per-device') return ctx.loaders.device.load(sourceId + DEVICE_KEY + vendorDeviceId);
  const fleet = await ctx.loaders.fleet.load(sourceId);
  return fleet.devices.find((d) => d.vendorDeviceId === vendorDeviceId) ?? null;
}
