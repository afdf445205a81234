import type { Context } from '../context.js';
import { checkTarget, COMMAND_SCOPE, deviceTarget, readBack, requireScope, sendCommand, type CommandTarget } from '../control.js';
import { UpstreamError, ValidationError } from '../errors.js';
import { matchesFilter, sourcesFor, type DeviceFilter } from '../filter.js';
import { encodeGlobalId } from '../ids.js';
import { checkCommandInput } from '../input.js';
import type { DeviceCommand, DeviceSettingsInput } from '../model.js';
import type { Source } from '../sources/source.js';
import { FleetRun, type FleetCommandKind } from './registry.js';
import { errorData, FleetCommandRefusedError, type FleetDeviceResult, type FleetProblem, type FleetProgressEvent } from './results.js';

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

/** The single mutation's command a fleet command kind stands for (its scope and capabilities follow from it, as there). */
function commandOf(spec: FleetCommandSpec): DeviceCommand {
  if (spec.rtmpUrl != null && spec.kind !== 'START_STREAM') throw new ValidationError('rtmpUrl goes with START_STREAM only', 'rtmpUrl');
  if (spec.settings != null && spec.kind !== 'UPDATE_SETTINGS') throw new ValidationError('settings go with UPDATE_SETTINGS only', 'settings');
  switch (spec.kind) {
    case 'START_RECORDING':
      return { type: 'startRecording' };
    case 'STOP_RECORDING':
      return { type: 'stopRecording' };
    case 'START_STREAM':
      return { type: 'startStream', rtmpUrl: spec.rtmpUrl ?? null };
    case 'STOP_STREAM':
      return { type: 'stopStream', vendorStreamId: null };
    case 'UPDATE_SETTINGS':
      if (!spec.settings) throw new ValidationError('UPDATE_SETTINGS needs settings', 'settings');
      return { type: 'updateSettings', input: spec.settings };
    case 'START_FIRMWARE_UPDATE':
      return { type: 'startFirmwareUpdate' };
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

async function checkDevice(ctx: Context, deviceId: string, command: DeviceCommand): Promise<Target> {
  return { deviceId, ...(await checkTarget(ctx, deviceId, command)) };
}

/** The source an id names, when it names one (to word an unexpected error); null for ids that resolve to none. */
function sourceOf(ctx: Context, deviceId: string): Source | null {
  try {
    return deviceTarget(ctx, deviceId).source;
  } catch {
    return null;
  }
}

/** Checks every device; nothing is sent unless all pass. */
async function checkAll(ctx: Context, ids: string[], command: DeviceCommand): Promise<Target[]> {
  const { gates } = ctx.runtime.fleet;
  const checked = await Promise.all(
    ids.map(async (deviceId): Promise<Target | FleetProblem> => {
      const source = sourceOf(ctx, deviceId);
      try {
        // an id naming no source fails at once, without waiting for a slot
        return await (source ? gates.of(source.id).execute(() => checkDevice(ctx, deviceId, command)) : checkDevice(ctx, deviceId, command));
      } catch (e) {
        return { deviceId, error: errorData(e, source) };
      }
    }),
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

/** Kept for subscribers on any replica first, then published: one that reads the record, then listens, misses none. */
async function report(ctx: Context, e: FleetProgressEvent): Promise<void> {
  await ctx.runtime.fleet.runs.record(e);
  ctx.runtime.pubsub.publish('fleetCommandProgress', e);
}

/** Sends to every target, at most concurrencyPerSource at once per source across every fleet command here. */
async function execute(ctx: Context, run: FleetRun, targets: Target[], command: DeviceCommand): Promise<void> {
  const { gates } = ctx.runtime.fleet;
  await Promise.all(
    targets.map(async (t) => {
      const result = await gates.of(t.source.id).execute(() => sendOne(ctx, t, command));
      await report(ctx, run.add(result));
    }),
  );
  await report(ctx, run.finish());
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
  const command = commandOf(spec);
  requireScope(ctx, COMMAND_SCOPE[command.type]);
  checkCommandInput(command);
  const ids = await deviceIdsOf(ctx, devices);
  const targets = await checkAll(ctx, ids, command);
  const run = new FleetRun(spec.kind, targets.length);
  await ctx.runtime.fleet.runs.add(run);
  ctx.log.info({ fleetCommand: run.id, kind: spec.kind, devices: targets.length }, 'fleet command started');
  const done = execute(ctx, run, targets, command).catch(async (e: unknown) => {
    ctx.log.error({ fleetCommand: run.id, err: e instanceof Error ? e.message : String(e) }, 'fleet command failed');
    if (!run.finishedAt) await report(ctx, run.finish()).catch(() => {});
  });
  return { run, done };
}
