import type { Scope } from './config.js';
import { forgetReads, hasScope, loadDevice, type Context } from './context.js';
import { DeviceOfflineError, NotFoundError, NotSupportedError, PermissionDeniedError } from './errors.js';
import { checkCommandInput } from './input.js';
import { expectId } from './lookup.js';
import { COMMAND_CAPABILITY, type Capability, type Device, type DeviceCommand } from './model.js';
import type { CommandResult, Source } from './sources/source.js';

export function requireScope(ctx: Context, scope: Scope): void {
  if (!hasScope(ctx, scope)) throw new PermissionDeniedError(`this API key lacks the "${scope}" scope`);
}

export async function requireCapability(source: Source, vendorDeviceId: string, capability: Capability): Promise<void> {
  if (!(await source.capabilitiesOf(vendorDeviceId)).includes(capability)) {
    throw new NotSupportedError(`${source.vendor} devices do not support ${capability}`, capability);
  }
}

/** The source and vendor id a Device global id names; NotFoundError when either is unknown. */
export function deviceTarget(ctx: Context, deviceId: string): { source: Source; vendorDeviceId: string } {
  const id = expectId(deviceId, 'Device');
  const source = ctx.runtime.sources.get(id.sourceId);
  if (!source) throw new NotFoundError(`no device ${JSON.stringify(deviceId)}`);
  return { source, vendorDeviceId: id.vendorId };
}

/**
 * Reads one device again after a change (not its whole fleet: for Magewell that would be every encoder) into
 * the shared store, tells the other replicas, and forgets the request's own reads so later fields see it too.
 */
export async function freshDevice(ctx: Context, source: Source, vendorDeviceId: string): Promise<Device> {
  forgetReads(ctx);
  const device = await ctx.runtime.stores.get(source.id)!.refreshDevice(vendorDeviceId);
  if (!device) throw new NotFoundError('the device is gone');
  return device;
}

/** After a command that removed a device: no store, here or on other replicas, lists it any more. */
export function forgetDevice(ctx: Context, source: Source, vendorDeviceId: string): void {
  forgetReads(ctx);
  ctx.runtime.stores.get(source.id)!.forget(vendorDeviceId);
}

/**
 * The one path every device control mutation takes. Everything that can be refused without the vendor is
 * refused first (scope, input bounds, id, capability, the vendor's input rules), so bad input changes nothing
 * upstream; then the device must exist and be online; then the command goes out and pollers re-read the
 * source at once.
 */
export async function runCommand(
  ctx: Context,
  deviceId: string,
  command: DeviceCommand,
  scope: Scope,
  extraCapability?: Capability,
): Promise<{ source: Source; vendorDeviceId: string; device: Device | null; result: CommandResult }> {
  requireScope(ctx, scope);
  checkCommandInput(command);
  const { source, vendorDeviceId } = deviceTarget(ctx, deviceId);
  await requireCapability(source, vendorDeviceId, COMMAND_CAPABILITY[command.type]);
  if (extraCapability) await requireCapability(source, vendorDeviceId, extraCapability);
  await source.validateCommand(vendorDeviceId, command);
  const device = await loadDevice(ctx, source.id, vendorDeviceId);
  if (!device) throw new NotFoundError(`no device ${JSON.stringify(deviceId)}`);
  if (device.connection === 'OFFLINE') {
    throw new DeviceOfflineError(`${device.name} is ${device.states?.includes('REBOOTING') ? 'rebooting' : 'offline'}`);
  }
  const result = await source.execute(vendorDeviceId, command);
  ctx.runtime.pollers.kick(source.id);
  const after = command.type === 'unpair' ? (forgetDevice(ctx, source, vendorDeviceId), null) : await freshDevice(ctx, source, vendorDeviceId);
  return { source, vendorDeviceId, device: after, result };
}
