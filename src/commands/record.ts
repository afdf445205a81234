import { AvgraphError, UpstreamError } from '../errors.js';
import type { CommandType } from '../model.js';

/** PENDING until a read of the device shows the effect (CONFIRMED), the vendor refuses it (FAILED) or its deadline passes. */
export const COMMAND_STATES = ['PENDING', 'CONFIRMED', 'FAILED', 'TIMED_OUT'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/** The schema's name for each command type. */
export const COMMAND_KIND: Record<CommandType, string> = {
  startRecording: 'START_RECORDING',
  stopRecording: 'STOP_RECORDING',
  startStream: 'START_STREAM',
  stopStream: 'STOP_STREAM',
  updateSettings: 'UPDATE_SETTINGS',
  startFirmwareUpdate: 'START_FIRMWARE_UPDATE',
  reboot: 'REBOOT',
  formatStorage: 'FORMAT_STORAGE',
  setUpload: 'SET_UPLOAD',
  clearFootage: 'CLEAR_FOOTAGE',
  unpair: 'UNPAIR',
  rename: 'RENAME',
  captureSnapshot: 'CAPTURE_SNAPSHOT',
  triggerEvent: 'TRIGGER_EVENT',
  movePtz: 'MOVE_PTZ',
};

export const COMMAND_TYPES = Object.keys(COMMAND_KIND) as [CommandType, ...CommandType[]];

export interface CommandError {
  message: string;
  code: string | null;
}

/**
 * One command sent to a device, as every replica sees it. Plain data (it travels between replicas as JSON): the
 * command's input is not in it, since it may carry a secret (an RTMP URL's stream key).
 */
export interface CommandRecord {
  /** Unique across replicas. */
  id: string;
  sourceId: string;
  deviceVendorId: string;
  kind: CommandType;
  state: CommandState;
  issuedAt: Date;
  confirmedAt: Date | null;
  /** When it left PENDING, whichever way. */
  finishedAt: Date | null;
  /** When it becomes TIMED_OUT unless confirmed first. */
  deadline: Date;
  /** False where no read of the device can show the effect: CONFIRMED on the vendor's success. */
  observable: boolean;
  error: CommandError | null;
}

export function isFinished(state: CommandState): boolean {
  return state !== 'PENDING';
}

/** What a caller may learn of why a command failed: our own messages only, never an unexpected error's text. */
export function commandError(e: unknown): CommandError {
  if (e instanceof UpstreamError) return { message: e.message, code: e.code ?? 'UPSTREAM_ERROR' };
  if (e instanceof AvgraphError) return { message: e.message, code: e.name };
  return { message: 'the command failed', code: 'INTERNAL' };
}

export interface CommandFilter {
  /** Devices as source id and vendor id. */
  devices?: { sourceId: string; vendorDeviceId: string }[] | null;
  states?: CommandState[] | null;
  kinds?: CommandType[] | null;
}

export function matchesCommand(r: CommandRecord, f: CommandFilter | null | undefined): boolean {
  if (!f) return true;
  if (f.states?.length && !f.states.includes(r.state)) return false;
  if (f.kinds?.length && !f.kinds.includes(r.kind)) return false;
  if (f.devices?.length && !f.devices.some((d) => d.sourceId === r.sourceId && d.vendorDeviceId === r.deviceVendorId)) return false;
  return true;
}

/**
 * How long each kind may stay PENDING by default: a cloud that queues tasks hands them to the device when it next
 * checks in; maintenance takes the device away a while before any read can show it.
 */
export const DEFAULT_DEADLINE_MS: Record<CommandType, number> = {
  startRecording: 30_000,
  stopRecording: 30_000,
  startStream: 60_000,
  stopStream: 60_000,
  updateSettings: 30_000,
  startFirmwareUpdate: 120_000,
  reboot: 120_000,
  formatStorage: 120_000,
  setUpload: 30_000,
  clearFootage: 60_000,
  unpair: 60_000,
  rename: 30_000,
  captureSnapshot: 30_000,
  triggerEvent: 30_000,
  movePtz: 30_000,
};
