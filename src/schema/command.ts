import { COMMAND_KIND, COMMAND_STATES, COMMAND_TYPES, matchesCommand, type CommandError, type CommandFilter, type CommandRecord } from '../commands/record.js';
import { loadDevice, type Context } from '../context.js';
import { childId, decodeGlobalId, encodeGlobalId, localId, parseChildId, parseLocalId } from '../ids.js';
import type { CommandType } from '../model.js';
import { live } from '../subscriptions/live.js';
import { builder } from './builder.js';
import { requireRead } from './subscription.js';
import { paginate } from './connection.js';
import { connectionCost } from '../limits/cost.js';
import { DeviceRef } from './refs.js';

const CommandStateEnum = builder.enumType('CommandState', {
  description: 'PENDING until a read of the device shows the effect (CONFIRMED), the vendor refuses it (FAILED) or its deadline passes (TIMED_OUT)',
  values: COMMAND_STATES,
});

const CommandKindEnum = builder.enumType('CommandKind', {
  values: Object.fromEntries(COMMAND_TYPES.map((t) => [COMMAND_KIND[t], { value: t }])) as Record<string, { value: CommandType }>,
});

const CommandErrorRef = builder.objectRef<CommandError>('CommandError').implement({
  fields: (t) => ({
    message: t.string({ resolve: (e) => e.message }),
    code: t.string({ nullable: true, description: 'the vendor\'s code, the error type, or TIMED_OUT', resolve: (e) => e.code }),
  }),
});

export const CommandRef = builder.objectRef<CommandRecord>('Command');

/** A Command's local id: its source, and its device and own id (as things a device owns are named). */
async function findCommand(ctx: Context, local: string): Promise<CommandRecord | null> {
  const id = parseLocalId(local);
  const c = id && parseChildId(id.vendorId);
  const r = c ? await ctx.runtime.commands.lookup(c.ownId) : null;
  return r && c && r.sourceId === id.sourceId && r.deviceVendorId === c.deviceVendorId ? r : null;
}

builder.node(CommandRef, {
  description:
    'A control mutation sent to a device. CONFIRMED once a later read of the device shows its effect; triggerEvent, movePtz and ' +
    'captureSnapshot (and commands whose effect the device does not report) are CONFIRMED on the vendor\'s success, as nothing can be read back.',
  id: { resolve: (r) => localId(r.sourceId, childId(r.deviceVendorId, r.id)) },
  loadOne: (id, ctx) => findCommand(ctx, id),
  fields: (t) => ({
    deviceId: t.id({ description: 'the Device id, also once the device is gone', resolve: (r) => encodeGlobalId('Device', r.sourceId, r.deviceVendorId) }),
    device: t.field({
      type: DeviceRef,
      nullable: true,
      description: 'null once the device is gone (after an unpair)',
      resolve: (r, _a, ctx) => loadDevice(ctx, r.sourceId, r.deviceVendorId),
    }),
    kind: t.field({ type: CommandKindEnum, resolve: (r) => r.kind }),
    state: t.field({ type: CommandStateEnum, resolve: (r) => r.state }),
    issuedAt: t.field({ type: 'DateTime', resolve: (r) => r.issuedAt }),
    confirmedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.confirmedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'when it left PENDING, whichever way', resolve: (r) => r.finishedAt }),
    deadline: t.field({ type: 'DateTime', description: 'when a PENDING command becomes TIMED_OUT', resolve: (r) => r.deadline }),
    observable: t.boolean({
      description: 'false where no read of the device can show the effect: then the vendor\'s success confirmed it',
      resolve: (r) => r.observable,
    }),
    error: t.field({ type: CommandErrorRef, nullable: true, description: 'why it FAILED or TIMED_OUT', resolve: (r) => r.error }),
  }),
});

// Apollo Federation v2: like every node type, an entity keyed by its global id (src/schema/entities.ts).
builder.asEntity(CommandRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }, ctx) => {
    const g = decodeGlobalId(id);
    return g && g.type === 'Command' ? findCommand(ctx, localId(g.sourceId, g.vendorId)) : null;
  },
});

const CommandFilterInput = builder.inputType('CommandFilter', {
  fields: (t) => ({
    deviceIds: t.idList(),
    states: t.field({ type: [CommandStateEnum] }),
    kinds: t.field({ type: [CommandKindEnum] }),
  }),
});

function toCommandFilter(input: typeof CommandFilterInput.$inferInput | null | undefined): CommandFilter | null {
  if (!input) return null;
  return {
    states: input.states,
    kinds: input.kinds,
    // an id that names no device matches nothing, rather than being dropped (which would widen the filter)
    devices: input.deviceIds?.map((id) => {
      const g = decodeGlobalId(String(id));
      return g && g.type === 'Device' ? { sourceId: g.sourceId, vendorDeviceId: g.vendorId } : { sourceId: '', vendorDeviceId: '' };
    }),
  };
}

const CommandConnection = builder.connectionObject({ type: CommandRef, name: 'CommandConnection' }, { name: 'CommandEdge' });

builder.queryField('commands', (t) =>
  t.connection(
    {
      type: CommandRef,
      description: 'recent device commands, newest first (the last maxRecords, finished ones for retentionMs: config commands)',
      args: { filter: t.arg({ type: CommandFilterInput }) },
      complexity: connectionCost(1),
      resolve: async (_r, args, ctx) => paginate(args, await ctx.runtime.commands.list(toCommandFilter(args.filter))),
    },
    CommandConnection,
  ),
);

builder.subscriptionField('commandChanged', (t) =>
  t.field({
    type: CommandRef,
    description: 'a command issued (PENDING) or finished, on any replica',
    args: { filter: t.arg({ type: CommandFilterInput }) },
    subscribe: (_r, args, ctx) => {
      requireRead(ctx);
      const filter = toCommandFilter(args.filter);
      // commands are watched by the replica that sent them: no poller is needed for these events
      return live(ctx.runtime.pubsub, 'commandChanged', () => () => undefined, (r) => (matchesCommand(r, filter) ? r : null));
    },
    resolve: (r) => r,
  }),
);
