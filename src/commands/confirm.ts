import type { Device, DeviceCommand, DeviceSettings, DeviceSettingsInput, StorageVolume } from '../model.js';
import type { CommandResult } from '../sources/source.js';

/** A command as sent: what its effect is judged against. */
export interface Issued {
  command: DeviceCommand;
  /** The device as read just before the command went out. */
  before: Device | null;
  result: CommandResult;
}

const volume = (d: Device | null, kind: StorageVolume['kind']): StorageVolume | undefined => d?.storage.find((v) => v.kind === kind);

/**
 * Whether a read of the device can show this command's effect. Where it cannot (an event trigger, a PTZ move, a
 * snapshot, which is its own proof, or a device whose model does not report what the command changes), the vendor's
 * success is all there is to go on and confirms it.
 */
export function observable({ command, before }: Pick<Issued, 'command' | 'before'>): boolean {
  switch (command.type) {
    case 'triggerEvent':
    case 'movePtz':
    case 'captureSnapshot':
      return false;
    case 'startFirmwareUpdate':
      return !!before?.firmware;
    case 'setUpload':
      return typeof volume(before, 'UPLOAD_QUEUE')?.uploadEnabled === 'boolean';
    case 'clearFootage':
      return typeof volume(before, 'UPLOAD_QUEUE')?.queuedSeconds === 'number';
    case 'updateSettings':
      return !!before?.settings;
    case 'formatStorage':
      return !!volume(before, command.kind);
    default:
      return true;
  }
}

const SETTING_FIELDS = ['resolution', 'videoBitrateKbps', 'frameRate', 'audioBitrateKbps', 'keyframeIntervalSeconds', 'chunkDurationSeconds'] as const;

/** Every setting the input names reads back as asked (frame rates within rounding). */
function settingsApplied(input: DeviceSettingsInput, s: DeviceSettings | null): boolean {
  if (!s) return false;
  return SETTING_FIELDS.every((f) => {
    const want = input[f];
    if (want === undefined || want === null) return true;
    const got = s[f];
    if (f === 'frameRate') return typeof got === 'number' && Math.abs(got - Number(want)) < 0.01;
    return f === 'resolution' ? String(got).toLowerCase() === String(want).toLowerCase() : got === want;
  });
}

/** Whether `after`, a read of the device taken after the command went out (null: the device is gone), shows its effect. */
export function confirms({ command, before, result }: Issued, after: Device | null): boolean {
  if (command.type === 'unpair') return after === null;
  if (!after) return false;
  switch (command.type) {
    case 'startRecording':
      return after.isRecording === true;
    case 'stopRecording':
      return after.isRecording === false;
    case 'startStream': {
      const id = result.vendorStreamId;
      const stream = id ? after.streams.find((s) => s.vendorStreamId === id) : undefined;
      return stream ? stream.state === 'LIVE' || stream.state === 'STARTING' : after.isStreaming === true;
    }
    case 'stopStream': {
      const id = command.vendorStreamId;
      if (id === null) return after.isStreaming === false || (after.isStreaming === null && after.streams.every((s) => s.state !== 'LIVE' && s.state !== 'STARTING'));
      const stream = after.streams.find((s) => s.vendorStreamId === id);
      return !stream || (stream.state !== 'LIVE' && stream.state !== 'STARTING');
    }
    case 'updateSettings':
      return settingsApplied(command.input, after.settings);
    case 'rename':
      return after.name === command.name;
    case 'setUpload':
      return volume(after, 'UPLOAD_QUEUE')?.uploadEnabled === command.enabled;
    case 'clearFootage': {
      const queued = volume(after, 'UPLOAD_QUEUE')?.queuedSeconds;
      const was = volume(before, 'UPLOAD_QUEUE')?.queuedSeconds;
      return typeof queued === 'number' && (queued === 0 || (typeof was === 'number' && queued < was));
    }
    case 'startFirmwareUpdate': {
      const fw = after.firmware;
      if (!fw) return false;
      const was = before?.firmware?.version ?? null;
      return fw.updateInProgress || !!after.states?.includes('UPDATING_FIRMWARE') || (was !== null && fw.version !== null && fw.version !== was);
    }
    case 'reboot': {
      // Away (rebooting, offline) when read; or, for a device that went and came back between two reads, a new
      // firmware version, which only a restart brings (the model reports no uptime to compare).
      const was = before?.firmware?.version ?? null;
      const now = after.firmware?.version ?? null;
      return !!after.states?.includes('REBOOTING') || after.connection === 'OFFLINE' || (was !== null && now !== null && now !== was);
    }
    case 'formatStorage': {
      const v = volume(after, command.kind);
      if (!v) return false;
      const was = volume(before, command.kind)?.usedBytes;
      return (
        v.status === 'FORMATTING' ||
        !!after.states?.includes('FORMATTING_STORAGE') ||
        v.usedBytes === 0 ||
        (typeof was === 'number' && typeof v.usedBytes === 'number' && v.usedBytes < was)
      );
    }
    default:
      // triggerEvent, movePtz, captureSnapshot: nothing to read (see observable)
      return true;
  }
}
