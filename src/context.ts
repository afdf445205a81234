import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Caller } from './auth.js';
import type { Scope } from './config.js';
import { UpstreamError } from './errors.js';
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
}

export interface Loaders {
  /** The whole fleet of a source: one upstream list call per source per request, however many fields ask. */
  fleet: DataLoader<string, FleetRead>;
}

export function createLoaders(runtime: Runtime): Loaders {
  return {
    fleet: new DataLoader<string, FleetRead>(
      (ids) =>
        Promise.all(
          ids.map(async (id) => {
            const source = runtime.sources.get(id);
            if (!source) return new Error(`unknown source ${id}`);
            try {
              return await source.listDevices();
            } catch (e) {
              return e as Error;
            }
          }),
        ),
      { cache: true },
    ),
  };
}

export function createContext(runtime: Runtime, caller: Caller): Context {
  return { runtime, caller, loaders: createLoaders(runtime), partialErrors: [] };
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
 * Devices of many sources. A failing source adds one error to the response and contributes no devices;
 * the others still answer.
 */
export async function loadFleets(ctx: Context, sourceIds: string[]): Promise<Device[]> {
  const results = await Promise.all(
    sourceIds.map(async (id) => {
      try {
        const read = await ctx.loaders.fleet.load(id);
        for (const failure of read.failures) addPartialError(ctx, id, failure);
        return read.devices;
      } catch (e) {
        addPartialError(ctx, id, e);
        return [];
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

/** One device, from its source's fleet (a list call the rest of the request shares). */
export async function loadDevice(ctx: Context, sourceId: string, vendorDeviceId: string): Promise<Device | null> {
  if (!ctx.runtime.sources.has(sourceId)) return null;
  const fleet = await ctx.loaders.fleet.load(sourceId);
  return fleet.devices.find((d) => d.vendorDeviceId === vendorDeviceId) ?? null;
}
