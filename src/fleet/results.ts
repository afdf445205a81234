import {
  AlreadyUpToDateError,
  AvgraphError,
  DeviceOfflineError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  UpstreamError,
  ValidationError,
  type UpstreamErrorInit,
} from '../errors.js';
import type { Capability, Device } from '../model.js';
import type { Source } from '../sources/source.js';

/**
 * A device's typed error as plain data: progress events travel between replicas as JSON through Redis, where
 * class instances would arrive as bare objects. `toError` makes the GraphQL error type again.
 */
export type FleetErrorData =
  | { type: 'ValidationError'; message: string; field: string | null }
  | { type: 'NotFoundError'; message: string }
  | { type: 'NotSupportedError'; message: string; capability: Capability | null }
  | { type: 'PermissionDeniedError'; message: string }
  | { type: 'DeviceOfflineError'; message: string }
  | { type: 'AlreadyUpToDateError'; message: string; version: string | null }
  | { type: 'UpstreamError'; message: string; init: Required<UpstreamErrorInit> };

/** One device's outcome: the device afterwards (and the stream a START_STREAM made), or its typed error. */
export interface FleetDeviceResult {
  /** The Device global id. */
  deviceId: string;
  /** After a success: the device as read again (as validated, when that read failed). Null after an error. */
  device: Device | null;
  vendorStreamId: string | null;
  /** The tracked command (src/commands) of a device that took it. */
  commandId: string | null;
  error: FleetErrorData | null;
  finishedAt: Date;
}

/** What the fleetCommandProgress subscription hands on: one device done, or (result null) the whole command. */
export interface FleetProgressEvent {
  fleetCommandId: string;
  result: FleetDeviceResult | null;
  total: number;
  succeeded: number;
  failed: number;
  /** Set on the final event only. */
  finishedAt: Date | null;
}

/**
 * Any error of one device's validation or command as data. Errors that are not ours (a bug, a socket error that
 * escaped the HTTP client) become an UpstreamError naming the source only: their text is not for callers.
 */
export function errorData(e: unknown, source: Source | null): FleetErrorData {
  if (e instanceof ValidationError) return { type: 'ValidationError', message: e.message, field: e.field };
  if (e instanceof NotSupportedError) return { type: 'NotSupportedError', message: e.message, capability: e.capability };
  if (e instanceof AlreadyUpToDateError) return { type: 'AlreadyUpToDateError', message: e.message, version: e.version };
  if (e instanceof UpstreamError) return { type: 'UpstreamError', message: e.message, init: e.toInit() };
  if (e instanceof NotFoundError) return { type: 'NotFoundError', message: e.message };
  if (e instanceof PermissionDeniedError) return { type: 'PermissionDeniedError', message: e.message };
  if (e instanceof DeviceOfflineError) return { type: 'DeviceOfflineError', message: e.message };
  if (!source) return { type: 'NotFoundError', message: e instanceof AvgraphError ? e.message : 'no such device' };
  return {
    type: 'UpstreamError',
    message: `${source.vendor} source "${source.id}" failed`,
    init: { vendor: source.vendor, sourceId: source.id, code: null, retryable: false, status: null },
  };
}

/** The typed error a FleetErrorData stands for, as the GraphQL unions resolve it. */
export function toError(d: FleetErrorData): AvgraphError {
  switch (d.type) {
    case 'ValidationError':
      return new ValidationError(d.message, d.field);
    case 'NotFoundError':
      return new NotFoundError(d.message);
    case 'NotSupportedError':
      return new NotSupportedError(d.message, d.capability);
    case 'PermissionDeniedError':
      return new PermissionDeniedError(d.message);
    case 'DeviceOfflineError':
      return new DeviceOfflineError(d.message);
    case 'AlreadyUpToDateError':
      return new AlreadyUpToDateError(d.message, d.version);
    case 'UpstreamError':
      return new UpstreamError(d.message, d.init);
  }
}

/** A device the fleet command could not be sent to, and why. */
export interface FleetProblem {
  deviceId: string;
  error: FleetErrorData;
}

/** At least one device failed validation: nothing was sent to any device. */
export class FleetCommandRefusedError extends AvgraphError {
  constructor(readonly problems: FleetProblem[]) {
    super(`${problems.length} device(s) cannot take this command; nothing was sent`);
  }
}
