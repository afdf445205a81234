import type { Device, StorageVolume, Stream } from '../model.js';
import {
  HEALTH_REASON_CODES,
  rank,
  type DeviceHealth,
  type HealthContext,
  type HealthReason,
  type HealthReasonCode,
  type HealthSeverity,
  type HealthThresholds,
  type QueueSample,
} from './model.js';

const MINUTE = 60_000;

const reason = (code: HealthReasonCode, severity: HealthSeverity, message: string, subject: string | null = null): HealthReason => ({
  code,
  severity,
  message,
  subject,
});

function minutes(ms: number): string {
  const m = ms / MINUTE;
  return m < 1 ? `${Math.round(ms / 1000)} s` : `${Math.round(m)} min`;
}

/** OFFLINE (since lastSeenAt), or not heard from while the vendor cannot say whether it is online. */
function connection(d: Device, t: HealthThresholds, now: number): HealthReason[] {
  const since = d.lastSeenAt ? now - d.lastSeenAt.getTime() : null;
  const long = since === null || since >= t.offlineMinutes * MINUTE;
  if (d.connection === 'OFFLINE') {
    return [reason('OFFLINE', long ? 'CRITICAL' : 'WARNING', since === null ? 'offline' : `offline for ${minutes(since)}`)];
  }
  if (d.connection === 'UNKNOWN') {
    return since !== null && long
      ? [reason('NOT_SEEN', 'CRITICAL', `not seen for ${minutes(since)}`)]
      : [reason('CONNECTION_UNKNOWN', 'UNKNOWN', 'the vendor does not say whether it is online')];
  }
  return [];
}

function signal(d: Device): HealthReason[] {
  if (d.signal?.present !== false || !(d.isRecording || d.isStreaming)) return [];
  return [reason('NO_SIGNAL', 'CRITICAL', `no input signal while ${d.isRecording ? 'recording' : 'streaming'}`)];
}

function usedPercent(v: StorageVolume): number | null {
  const used = v.usedBytes ?? (v.totalBytes !== null && v.freeBytes !== null ? v.totalBytes - v.freeBytes : null);
  return v.totalBytes && used !== null ? (100 * used) / v.totalBytes : null;
}

function volume(v: StorageVolume, t: HealthThresholds): HealthReason[] {
  const kind = v.kind;
  if (v.status === 'ERROR' || v.status === 'READ_ONLY') {
    return [reason('STORAGE_ERROR', 'CRITICAL', `${kind} storage ${v.status === 'ERROR' ? 'is in error' : 'is read-only'}`, kind)];
  }
  if (v.status === 'FULL') return [reason('STORAGE_LOW', 'CRITICAL', `${kind} storage is full`, kind)];
  const pct = usedPercent(v);
  const shown = pct === null ? '' : ` (${Math.round(pct)}% used)`;
  if (pct !== null && pct >= t.storageCriticalPercent) return [reason('STORAGE_LOW', 'CRITICAL', `${kind} storage nearly full${shown}`, kind)];
  if ((pct !== null && pct >= t.storageWarnPercent) || v.status === 'LOW_SPACE') {
    return [reason('STORAGE_LOW', 'WARNING', `${kind} storage low on space${shown}`, kind)];
  }
  return [];
}

function storage(d: Device, t: HealthThresholds): HealthReason[] {
  return d.storage.filter((v) => v.kind !== 'UPLOAD_QUEUE').flatMap((v) => volume(v, t));
}

/**
 * Never shrinking across the readings of the last uploadQueueMinutes (at least uploadQueueSamples of them), and
 * grown by uploadQueueGrowthSeconds or more: uploads fall behind (or are off) while footage keeps coming.
 */
function uploadQueue(d: Device, queue: readonly QueueSample[], t: HealthThresholds, now: number): HealthReason[] {
  const recent = queue.filter((s) => s.at >= now - t.uploadQueueMinutes * MINUTE);
  if (recent.length < t.uploadQueueSamples) return [];
  const first = recent[0]!.seconds;
  const last = recent[recent.length - 1]!.seconds;
  const neverShrank = recent.every((s, i) => i === 0 || s.seconds >= recent[i - 1]!.seconds);
  if (!neverShrank || last - first < t.uploadQueueGrowthSeconds || last === first) return [];
  const off = d.storage.some((v) => v.kind === 'UPLOAD_QUEUE' && v.uploadEnabled === false);
  const message = `upload queue grew from ${Math.round(first)} s to ${Math.round(last)} s of footage over ${minutes(recent[recent.length - 1]!.at - recent[0]!.at)}${off ? ' (upload is off)' : ''}`;
  return [reason('UPLOAD_QUEUE_GROWING', 'WARNING', message, 'UPLOAD_QUEUE')];
}

function stream(s: Stream, t: HealthThresholds): HealthReason[] {
  const name = `${s.protocol} stream ${s.vendorStreamId}`;
  if (s.state === 'FAILED') return [reason('STREAM_FAILED', 'CRITICAL', `${name} failed`, s.vendorStreamId)];
  const ratio = s.health?.throughputRatio;
  if (s.state !== 'LIVE' || ratio === null || ratio === undefined || ratio >= t.throughputWarnRatio) return [];
  const severity = ratio < t.throughputCriticalRatio ? 'CRITICAL' : 'WARNING';
  return [reason('STREAM_UNDERRUN', severity, `${name} sends at ${ratio.toFixed(2)}× real time`, s.vendorStreamId)];
}

function firmware(d: Device): HealthReason[] {
  const failure = d.firmware?.failure;
  return failure ? [reason('FIRMWARE_FAILED', 'WARNING', `firmware update failed: ${failure}`)] : [];
}

function source(d: Device, c: HealthContext): HealthReason[] {
  if (!c.circuitOpen) return [];
  return [reason('SOURCE_CIRCUIT_OPEN', 'UNKNOWN', `source "${d.sourceId}" is failing: avgraph is not calling it, this state may be out of date`)];
}

function stale(ageMs: number | null, t: HealthThresholds): HealthReason[] {
  if (ageMs === null || ageMs < t.staleMinutes * MINUTE) return [];
  return [reason('STALE', 'UNKNOWN', `last read ${minutes(ageMs)} ago`)];
}

const byWorst = (a: HealthReason, b: HealthReason) =>
  rank(b.severity) - rank(a.severity) || HEALTH_REASON_CODES.indexOf(a.code) - HEALTH_REASON_CODES.indexOf(b.code);

/**
 * A device's health from its unified state, as of `now`: every reason that applies, and the worst one's
 * severity as the state (OK without any). Pure: the caller brings the source's circuit and the queue history.
 */
export function deviceHealth(device: Device, context: HealthContext, thresholds: HealthThresholds, now: Date): DeviceHealth {
  const t = now.getTime();
  const ageMs = device.observedAt ? Math.max(0, t - device.observedAt.getTime()) : null;
  const reasons = [
    ...connection(device, thresholds, t),
    ...signal(device),
    ...storage(device, thresholds),
    ...uploadQueue(device, context.queue, thresholds, t),
    ...device.streams.flatMap((s) => stream(s, thresholds)),
    ...firmware(device),
    ...source(device, context),
    ...stale(ageMs, thresholds),
  ].sort(byWorst);
  return {
    state: reasons[0]?.severity ?? 'OK',
    reasons,
    staleSeconds: ageMs === null ? null : Math.floor(ageMs / 1000),
  };
}
