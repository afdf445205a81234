import { wrapErrorIfMatches } from '@pothos/plugin-errors';
import { GraphQLError } from 'graphql';
import { hasScope } from '../../context.js';
import { AlreadyUpToDateError, PermissionDeniedError, UpstreamError, ValidationError } from '../../errors.js';
import { startFleetCommand } from '../../fleet/command.js';
import { fleetProgress } from '../../fleet/progress.js';
import { FLEET_COMMAND_KINDS, FleetRun } from '../../fleet/registry.js';
import { FleetCommandRefusedError, toError, type FleetDeviceResult, type FleetProblem, type FleetProgressEvent } from '../../fleet/results.js';
import { FLEET_GUESS, UPSTREAM } from '../../limits/cost.js';
import type { Device, Stream } from '../../model.js';
import { builder } from '../builder.js';
import { CommandRef } from '../command.js';
import { ErrorInterface, MUTATION_ERRORS } from '../errors.js';
import { DeviceFilterInput, toDeviceFilter } from '../inputs.js';
import { DeviceRef, StreamRef } from '../refs.js';
import { DeviceSettingsInput } from './settings.js';

// runFleetCommand: one command to many devices, validated for all before any is sent (src/fleet/command.ts).

const FleetCommandKindEnum = builder.enumType('FleetCommandKind', { values: FLEET_COMMAND_KINDS });

const FleetDevicesInput = builder.inputType('FleetDevicesInput', {
  description: 'the devices of a fleet command: give exactly one of filter and deviceIds',
  fields: (t) => ({
    filter: t.field({ type: DeviceFilterInput, description: 'every device the filter matches when the command is run' }),
    deviceIds: t.idList(),
  }),
});

const FleetCommandInput = builder.inputType('FleetCommandInput', {
  fields: (t) => ({
    kind: t.field({ type: FleetCommandKindEnum, required: true }),
    rtmpUrl: t.string({ description: 'START_STREAM: push to this RTMP server; without, each device starts its own live stream' }),
    settings: t.field({ type: DeviceSettingsInput, description: 'UPDATE_SETTINGS: the settings every device gets' }),
  }),
});

/** What a device that took the command answers, as the single mutations do: the device afterwards. */
class FleetDeviceSuccess {
  constructor(
    readonly device: Device,
    readonly stream: Stream | null,
    readonly commandId: string | null,
  ) {}
}

builder.objectType(FleetDeviceSuccess, {
  name: 'FleetDeviceSuccess',
  isTypeOf: (o) => o instanceof FleetDeviceSuccess,
  fields: (t) => ({
    device: t.field({ type: DeviceRef, resolve: (s) => s.device }),
    stream: t.field({ type: StreamRef, nullable: true, description: 'START_STREAM: the stream started', resolve: (s) => s.stream }),
    command: t.field({
      type: CommandRef,
      nullable: true,
      description: 'the command as tracked until a read of the device shows its effect',
      resolve: (s, _a, ctx) => (s.commandId ? ctx.runtime.commands.lookup(s.commandId) : null),
    }),
  }),
});

/** The single mutations' errors, and startFirmwareUpdate's own. */
const DEVICE_ERRORS = [...MUTATION_ERRORS, AlreadyUpToDateError];

/**
 * A typed error as a field's value. GraphQL treats an Error returned by a resolver as the field failing; the
 * errors plugin's wrapper makes it a value of its GraphQL type, as for the mutations' own result unions.
 */
const asValue = <E extends Error>(e: E): E => wrapErrorIfMatches(e, DEVICE_ERRORS) as E;

const FleetDeviceOutcome = builder.unionType('FleetDeviceOutcome', {
  description: "a device's success, or the same typed errors as the single mutation",
  types: [FleetDeviceSuccess, ...DEVICE_ERRORS],
  // every error type is named after its class (AvgraphError sets name)
  resolveType: (o) => (o instanceof FleetDeviceSuccess ? 'FleetDeviceSuccess' : o.name),
});

function outcomeOf(r: FleetDeviceResult) {
  if (r.error) return asValue(toError(r.error));
  const stream = r.device?.streams.find((s) => s.vendorStreamId === r.vendorStreamId) ?? null;
  return new FleetDeviceSuccess(r.device!, stream, r.commandId);
}

const FleetDeviceResultRef = builder.objectRef<FleetDeviceResult>('FleetDeviceResult').implement({
  fields: (t) => ({
    deviceId: t.id({ resolve: (r) => r.deviceId }),
    outcome: t.field({ type: FleetDeviceOutcome, resolve: outcomeOf }),
    finishedAt: t.field({ type: 'DateTime', resolve: (r) => r.finishedAt }),
  }),
});

builder.objectType(FleetRun, {
  name: 'FleetCommand',
  fields: (t) => ({
    id: t.id({ resolve: (r) => r.id }),
    kind: t.field({ type: FleetCommandKindEnum, resolve: (r) => r.kind }),
    startedAt: t.field({ type: 'DateTime', resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'null while devices are still being commanded', resolve: (r) => r.finishedAt }),
    total: t.int({ description: 'devices commanded', resolve: (r) => r.total }),
    succeeded: t.int({ resolve: (r) => r.succeeded }),
    failed: t.int({ resolve: (r) => r.failed }),
    results: t.field({ type: [FleetDeviceResultRef], description: 'one per device finished so far, in the order they finished', resolve: (r) => r.results }),
  }),
});

const FleetDeviceError = builder.unionType('FleetDeviceError', {
  description: 'why a device cannot take a fleet command: the typed errors of the single mutation',
  types: DEVICE_ERRORS,
  resolveType: (o) => o.name,
});

const FleetDeviceProblemRef = builder.objectRef<FleetProblem>('FleetDeviceProblem').implement({
  fields: (t) => ({
    deviceId: t.id({ resolve: (p) => p.deviceId }),
    error: t.field({ type: FleetDeviceError, resolve: (p) => asValue(toError(p.error)) }),
  }),
});

builder.objectType(FleetCommandRefusedError, {
  name: 'FleetCommandRefused',
  description: 'some devices cannot take the command (each named with its typed error): nothing was sent to any device',
  interfaces: [ErrorInterface],
  isTypeOf: (o) => o instanceof FleetCommandRefusedError,
  fields: (t) => ({ problems: t.field({ type: [FleetDeviceProblemRef], resolve: (e) => e.problems }) }),
});

const FleetCommandProgressRef = builder.objectRef<FleetProgressEvent>('FleetCommandProgress').implement({
  fields: (t) => ({
    fleetCommandId: t.id({ resolve: (e) => e.fleetCommandId }),
    result: t.field({ type: FleetDeviceResultRef, nullable: true, description: 'the device that just finished; null on the final event', resolve: (e) => e.result }),
    total: t.int({ resolve: (e) => e.total }),
    succeeded: t.int({ resolve: (e) => e.succeeded }),
    failed: t.int({ resolve: (e) => e.failed }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'set on the final event', resolve: (e) => e.finishedAt }),
    done: t.boolean({ description: 'the final event: every device has its outcome', resolve: (e) => e.result === null }),
  }),
});

builder.mutationField('runFleetCommand', (t) =>
  t.field({
    type: FleetRun,
    errors: { types: [FleetCommandRefusedError, ValidationError, PermissionDeniedError, UpstreamError], directResult: true },
    description:
      'sends one command to many devices: every device is validated first and, if any cannot take it, nothing is sent ' +
      '(FleetCommandRefused names them). Devices of one source are commanded a few at a time (config fleetCommands; fleet ' +
      'commands running at once share that limit), sources side by side; each device has its own outcome. With wait false ' +
      'the answer comes once sending starts; follow it with fleetCommandProgress (scope control; admin for START_FIRMWARE_UPDATE)',
    args: {
      devices: t.arg({ type: FleetDevicesInput, required: true }),
      command: t.arg({ type: FleetCommandInput, required: true }),
      wait: t.arg.boolean({ defaultValue: true, description: 'answer when every device has its outcome' }),
    },
    complexity: (args) => ({ field: UPSTREAM * (args.devices.deviceIds?.length ?? FLEET_GUESS), multiplier: 1 }),
    resolve: async (_r, args, ctx) => {
      const devices = { filter: toDeviceFilter(ctx, args.devices.filter), deviceIds: args.devices.deviceIds?.map(String) ?? null };
      const { run, done } = await startFleetCommand(ctx, devices, args.command);
      if (args.wait !== false) await done;
      return run;
    },
  }),
);

builder.subscriptionField('fleetCommandProgress', (t) =>
  t.field({
    type: FleetCommandProgressRef,
    description: "each device's outcome as it finishes, then a final event (done), and the subscription ends",
    args: { id: t.arg.id({ required: true, description: 'the FleetCommand id' }) },
    subscribe: async (_r, args, ctx) => {
      if (!hasScope(ctx, 'read') && !hasScope(ctx, 'control')) {
        throw new GraphQLError('this API key lacks the "read" or "control" scope', { extensions: { code: 'FORBIDDEN' } });
      }
      const progress = await fleetProgress(ctx.runtime, String(args.id));
      if (!progress) {
        const away = ctx.runtime.redisState() === 'down' ? ' (Redis is unreachable: commands of other replicas are unknown here meanwhile)' : '';
        throw new GraphQLError(`no such fleet command, or it finished long ago${away}`, { extensions: { code: 'NOT_FOUND' } });
      }
      return progress;
    },
    resolve: (e) => e,
  }),
);
