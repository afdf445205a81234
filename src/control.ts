import type { Scope } from './config.js';
import { forgetReads, hasScope, loadDevice, type Context } from './context.js';
import { DeviceOfflineError, NotFoundError, NotSupportedError, PermissionDeniedError } from './errors.js';
import { checkCommandInput } from './input.js';
import { expectId } from './lookup.js';
import { COMMAND_CAPABILITY, type Capability, type CommandType, type Device, type DeviceCommand } from './model.js';
import type { CommandResult, Source } from './sources/source.js';
import type { CommandRecord } from './commands/record.js';

/** The scope each command needs: admin for what takes a device away or cannot be undone. */
export const COMMAND_SCOPE: Record<CommandType, Scope> = {
  startRecording: 'control',
  stopRecording: 'control',
  startStream: 'control',
  stopStream: 'control',
  updateSettings: 'control',
  startFirmwareUpdate: 'admin',
  reboot: 'control',
  formatStorage: 'admin',
  setUpload: 'control',
  clearFootage: 'control',
  unpair: 'admin',
  rename: 'control',
  captureSnapshot: 'control',
  triggerEvent: 'control',
  movePtz: 'control',
};

/** A capability a command needs beyond COMMAND_CAPABILITY for what its input asks: pushing to an RTMP server. */
function extraCapability(command: DeviceCommand): Capability | null {
  return command.type === 'startStream' && command.rtmpUrl ? 'RTMP_PUSH' : null;
}

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

/** A device that passed every check a command makes before anything is sent, with its state as checked. */
export interface CommandTarget {
  source: Source;
  vendorDeviceId: string;
  device: Device;
}

/**
 * Every check of one device that needs no vendor call of the command itself: the id, the capabilities, the
 * vendor's input rules, then that the device exists and is online.
 */
export async function checkTarget(ctx: Context, deviceId: string, command: DeviceCommand): Promise<CommandTarget> {
  const { source, vendorDeviceId } = deviceTarget(ctx, deviceId);
  await requireCapability(source, vendorDeviceId, COMMAND_CAPABILITY[command.type]);
  const extra = extraCapability(command);
  if (extra) await requireCapability(source, vendorDeviceId, extra);
  await source.validateCommand(vendorDeviceId, command);
  const device = await loadDevice(ctx, source.id, vendorDeviceId);
  if (!device) throw new NotFoundError(`no device ${JSON.stringify(deviceId)}`);
  if (device.connection === 'OFFLINE') {
    throw new DeviceOfflineError(`${device.name} is ${device.states?.includes('REBOOTING') ? 'rebooting' : 'offline'}`);
  }
  return { source, vendorDeviceId, device };
}

/**
 * Sends a checked command, tracked from here: a vendor failure is a FAILED command, a success PENDING until a
 * read shows its effect. Pollers re-read the source at once.
 */
export async function sendCommand(ctx: Context, t: CommandTarget, command: DeviceCommand): Promise<{ result: CommandResult; command: CommandRecord }> {
  const sent = await ctx.runtime.commands.run({ sourceId: t.source.id, vendorDeviceId: t.vendorDeviceId, command, before: t.device }, () =>
    t.source.execute(t.vendorDeviceId, command),
  );
  ctx.runtime.pollers.kick(t.source.id);
  return sent;
}

/**
 * Reads the device after a command (null: the command removed it) and checks the read for the command's effect.
 * The command went out whatever this read does: if it fails, the answer is the device as checked and the command
 * stays PENDING for the tracker's own reads, rather than an error for a command that was sent.
 */
export async function readBack(ctx: Context, t: CommandTarget, command: DeviceCommand, issued: CommandRecord): Promise<{ device: Device | null; command: CommandRecord }> {
  const { commands } = ctx.runtime;
  let device: Device | null = t.device;
  try {
    device = command.type === 'unpair' ? (forgetDevice(ctx, t.source, t.vendorDeviceId), null) : await freshDevice(ctx, t.source, t.vendorDeviceId);
    if (device) commands.observe(t.source.id, t.vendorDeviceId, device);
  } catch (e) {
    if (e instanceof NotFoundError) throw e;
    ctx.log.warn({ source: t.source.id, command: command.type, err: e instanceof Error ? e.message : String(e) }, 'read after a command failed');
  }
  return { device, command: commands.get(issued.id) ?? issued };
}

/**
 * The one path every device control mutation takes. Everything that can be refused without the vendor is
 * refused first (the command's scope, input bounds, then checkTarget), so bad input changes nothing upstream;
 * then the command goes out and the device is read again.
 */
export async function runCommand(
  ctx: Context,
  deviceId: string,
  command: DeviceCommand,
): Promise<{ source: Source; vendorDeviceId: string; device: Device | null; result: CommandResult; command: CommandRecord }> {
  requireScope(ctx, COMMAND_SCOPE[command.type]);
  checkCommandInput(command);
  const target = await checkTarget(ctx, deviceId, command);
  const { result, command: issued } = await sendCommand(ctx, target, command);
  const after = await readBack(ctx, target, command, issued);
  return { source: target.source, vendorDeviceId: target.vendorDeviceId, device: after.device, result, command: after.command };
}
