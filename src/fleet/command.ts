import { bulkhead } from 'cockatiel';
import type { Scope } from '../config.js';
import type { Context } from '../context.js';
import { checkTarget, deviceTarget, readBack, requireScope, sendCommand, type CommandTarget } from '../control.js';
import { UpstreamError, ValidationError } from '../errors.js';
import { matchesFilter, sourcesFor, type DeviceFilter } from '../filter.js';
import { encodeGlobalId } from '../ids.js';
import { checkCommandInput } from '../input.js';
import type { Capability, DeviceCommand, DeviceSettingsInput } from '../model.js';
import type { Source } from '../sources/source.js';
import { FleetRun, fleetRuns, type FleetCommandKind } from './registry.js';
import { errorData, FleetCommandRefusedError, type FleetDeviceResult, type FleetProblem } from './results.js';

/** Which devices: those a filter matches now, or a list of ids (exactly one of the two). */
export interface FleetDevices {
  filter?: DeviceFilter | null;
  deviceIds?: string[] | null;
}

export interface FleetCommandSpec {
  kind: FleetCommandKind;
  /** START_STREAM: push to this RTMP server; without, each device starts its own live stream. */
  rtmpUrl?: string | null;
  /** UPDATE_SETTINGS only. */
  settings?: DeviceSettingsInput | null;
}

/** The single mutation's command, scope and extra capability a fleet command kind stands for. */
interface Plan {
  command: DeviceCommand;
  scope: Scope;
  extraCapability: Capability | null;
}

function planOf(spec: FleetCommandSpec): Plan {
  if (spec.rtmpUrl != null && spec.kind !== 'START_STREAM') throw new ValidationError('rtmpUrl goes with START_STREAM only', 'rtmpUrl');
  if (spec.settings != null && spec.kind !== 'UPDATE_SETTINGS') throw new ValidationError('settings go with UPDATE_SETTINGS only', 'settings');
  switch (spec.kind) {
    case 'START_RECORDING':
      return { command: { type: 'startRecording' }, scope: 'control', extraCapability: null };
    case 'STOP_RECORDING':
      return { command: { type: 'stopRecording' }, scope: 'control', extraCapability: null };
    case 'START_STREAM': {
      const rtmpUrl = spec.rtmpUrl ?? null;
      return { command: { type: 'startStream', rtmpUrl }, scope: 'control', extraCapability: rtmpUrl ? 'RTMP_PUSH' : null };
    }
    case 'STOP_STREAM':
      return { command: { type: 'stopStream', vendorStreamId: null }, scope: 'control', extraCapability: null };
    case 'UPDATE_SETTINGS':
      if (!spec.settings) throw new ValidationError('UPDATE_SETTINGS needs settings', 'settings');
      return { command: { type: 'updateSettings', input: spec.settings }, scope: 'control', extraCapability: null };
    case 'START_FIRMWARE_UPDATE':
      return { command: { type: 'startFirmwareUpdate' }, scope: 'admin', extraCapability: null };
  }
}

/** A device that passed every check, with its state as validated. */
interface Target extends CommandTarget {
  deviceId: string;
}

/**
 * The ids a filter matches. A source that cannot list its devices refuses the whole command: acting on the
 * devices of the other sources only would silently leave some of the matching ones out.
 */
async function idsMatching(ctx: Context, filter: DeviceFilter): Promise<string[]> {
  const perSource = await Promise.all(
    sourcesFor(ctx.runtime.sources.values(), filter).map(async (source) => {
      const read = await ctx.loaders.fleet.load(source.id);
      const failure = read.failures[0];
      if (failure) throw new UpstreamError(`cannot list every device of source "${source.id}": ${failure.message}`, failure.toInit());
      return read.devices.filter((d) => matchesFilter(d, filter)).map((d) => encodeGlobalId('Device', d.sourceId, d.vendorDeviceId));
    }),
  );
  return perSource.flat();
}

async function deviceIdsOf(ctx: Context, devices: FleetDevices): Promise<string[]> {
  const byFilter = devices.filter != null;
  const byIds = devices.deviceIds != null;
  if (byFilter === byIds) throw new ValidationError('give either filter or deviceIds', 'devices');
  const ids = byIds ? [...new Set(devices.deviceIds)] : await idsMatching(ctx, devices.filter!);
  if (!ids.length) throw new ValidationError('no device to command', 'devices');
  const max = ctx.runtime.config.fleetCommands.maxDevices;
  if (ids.length > max) throw new ValidationError(`a fleet command takes at most ${max} devices (config fleetCommands.maxDevices)`, 'devices');
  return ids;
}

async function checkDevice(ctx: Context, deviceId: string, plan: Plan): Promise<Target> {
  return { deviceId, ...(await checkTarget(ctx, deviceId, plan.command, plan.extraCapability)) };
}

/** The source an id names, when it names one (to word an unexpected error); null for ids that resolve to none. */
function sourceOf(ctx: Context, deviceId: string): Source | null {
  try {
    return deviceTarget(ctx, deviceId).source;
  } catch {
    return null;
  }
}

/** Runs `work` on each item, at most `limit` at once per source, sources side by side. */
async function perSource<T, R>(items: T[], sourceOfItem: (item: T) => string, limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = sourceOfItem(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const out = await Promise.all(
    [...groups.values()].map((group) => {
      const gate = bulkhead(limit, group.length);
      return Promise.all(group.map((item) => gate.execute(() => work(item))));
    }),
  );
  return out.flat();
}

/** Checks every device; nothing is sent unless all pass. */
async function checkAll(ctx: Context, ids: string[], plan: Plan): Promise<Target[]> {
  const limit = ctx.runtime.config.fleetCommands.concurrencyPerSource;
  const checked = await perSource(
    ids,
    (id) => sourceOf(ctx, id)?.id ?? '',
    limit,
    async (deviceId): Promise<Target | FleetProblem> => {
      try {
        return await checkDevice(ctx, deviceId, plan);
      } catch (e) {
        return { deviceId, error: errorData(e, sourceOf(ctx, deviceId)) };
      }
    },
  );
  const problems = checked.filter((c): c is FleetProblem => 'error' in c);
  if (problems.length) throw new FleetCommandRefusedError(problems);
  return checked.filter((c): c is Target => !('error' in c));
}

/** Sends one device its command; any failure is that device's outcome alone. */
async function sendOne(ctx: Context, t: Target, command: DeviceCommand): Promise<FleetDeviceResult> {
  try {
    const { result, command: issued } = await sendCommand(ctx, t, command);
    const device = (await readBack(ctx, t, command, issued)).device ?? t.device;
    const vendorStreamId = result.vendorStreamId ?? null;
    return { deviceId: t.deviceId, device, vendorStreamId, commandId: issued.id, error: null, finishedAt: new Date() };
  } catch (e) {
    return { deviceId: t.deviceId, device: null, vendorStreamId: null, commandId: null, error: errorData(e, t.source), finishedAt: new Date() };
  }
}

async function execute(ctx: Context, run: FleetRun, targets: Target[], command: DeviceCommand): Promise<void> {
  const { pubsub, config } = ctx.runtime;
  await perSource(targets, (t) => t.source.id, config.fleetCommands.concurrencyPerSource, async (t) => {
    pubsub.publish('fleetCommandProgress', run.add(await sendOne(ctx, t, command)));
  });
  pubsub.publish('fleetCommandProgress', run.finish());
  ctx.log.info({ fleetCommand: run.id, succeeded: run.succeeded, failed: run.failed }, 'fleet command finished');
}

export interface StartedFleetCommand {
  run: FleetRun;
  /** Settles when every device has its outcome; never rejects. */
  done: Promise<void>;
}

/**
 * Validates the whole fleet command (scope, input bounds, then every device), then sends it to every device
 * with bounded concurrency per source. Throws (ValidationError, PermissionDeniedError, UpstreamError,
 * FleetCommandRefusedError) before anything is sent; once sending starts, each device's outcome is its own.
 */
export async function startFleetCommand(ctx: Context, devices: FleetDevices, spec: FleetCommandSpec): Promise<StartedFleetCommand> {
  const plan = planOf(spec);
  requireScope(ctx, plan.scope);
  checkCommandInput(plan.command);
  const ids = await deviceIdsOf(ctx, devices);
  const targets = await checkAll(ctx, ids, plan);
  const run = new FleetRun(spec.kind, targets.length);
  fleetRuns(ctx.runtime).add(run);
  ctx.log.info({ fleetCommand: run.id, kind: spec.kind, devices: targets.length }, 'fleet command started');
  const done = execute(ctx, run, targets, plan.command).catch((e: unknown) => {
    ctx.log.error({ fleetCommand: run.id, err: e instanceof Error ? e.message : String(e) }, 'fleet command failed');
    if (!run.finishedAt) ctx.runtime.pubsub.publish('fleetCommandProgress', run.finish());
  });
  return { run, done };
}
