import type { Context } from '../context.js';
import type { DeviceFilter } from '../filter.js';
import { decodeGlobalId } from '../ids.js';
import { builder } from './builder.js';
import { CapabilityEnum, ConnectionStateEnum, RecordingTriggerEnum, VendorEnum } from './enums.js';

export const DeviceFilterInput = builder.inputType('DeviceFilter', {
  fields: (t) => ({
    vendors: t.field({ type: [VendorEnum] }),
    sourceIds: t.idList({ description: 'Source ids, or the source names from the config' }),
    connection: t.field({ type: ConnectionStateEnum }),
    isRecording: t.boolean(),
    capabilities: t.field({ type: [CapabilityEnum] }),
    search: t.string({ description: 'case-insensitive match on name' }),
  }),
});

export const RecordingFilterInput = builder.inputType('RecordingFilter', {
  fields: (t) => ({
    deviceIds: t.idList(),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
    triggers: t.field({ type: [RecordingTriggerEnum] }),
  }),
});

type DeviceFilterArg = typeof DeviceFilterInput.$inferInput;

/** The schema's filter input as the domain filter: Source global ids become source names. */
export function toDeviceFilter(_ctx: Context, input: DeviceFilterArg | null | undefined): DeviceFilter | null {
  if (!input) return null;
  return {
    ...input,
    sourceIds: input.sourceIds?.map((id) => {
      const g = decodeGlobalId(String(id));
      return g?.type === 'Source' ? g.sourceId : String(id);
    }),
  };
}
