import type {
  Capability,
  ConnectionState,
  Device,
  DeviceSettings,
  Recording,
  StorageVolume,
  Stream,
  Vendor,
} from '../../model.js';
import {
  SETPARAMS,
  UNDOCUMENTED_LIMITS,
  WEBCASTER_X2_LIMITS,
  type Setparam,
  type SetparamLimits,
  type WireChunk,
  type WireDevice,
  type WireRtmp,
} from './wire.js';

/** What each API's document allows. AV Studio adds upload and RTMP commands; only Epiphan Cloud has chunk_duration. */
export function capabilitiesFor(vendor: Vendor): Capability[] {
  const common: Capability[] = ['RECORD', 'SETTINGS', 'FIRMWARE_UPDATE', 'PAIRING'];
  return vendor === 'AV_STUDIO' ? [...common, 'LIVE_STREAM', 'RTMP_PUSH', 'UPLOAD'] : common;
}

/** Media refs are tagged so the source knows how to fetch them. */
export const mediaRef = {
  snapshot: (snapshotUrl: string) => `snapshot:${snapshotUrl}`,
  chunk: (chunkUrl: string) => `chunk:${chunkUrl}`,
};

/** The single-device call returns an array of one; the list call an array. Accept both and a bare object. */
export function asDeviceList(payload: unknown): WireDevice[] {
  if (Array.isArray(payload)) return payload.filter(isWireDevice);
  return isWireDevice(payload) ? [payload] : [];
}

function isWireDevice(x: unknown): x is WireDevice {
  return !!x && typeof x === 'object' && typeof (x as WireDevice).Id === 'string';
}

export function mapConnection(status: unknown): ConnectionState {
  const s = String(status ?? '').toLowerCase();
  if (s === 'online') return 'ONLINE';
  if (s === 'offline') return 'OFFLINE';
  return 'UNKNOWN';
}

/** "Recording" is "on"/"off" or "unknown" (null: the vendor does not know). */
export function mapRecording(value: unknown): boolean | null {
  if (value === true || value === false) return value;
  const s = String(value ?? '').toLowerCase();
  if (s === 'on' || s === 'true' || s === 'recording') return true;
  if (s === 'off' || s === 'false' || s === 'stopped') return false;
  return null;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** rtmp://host/app/KEY → rtmp://host/app/**** (the last path segment is the stream key; queries too). */
export function maskStreamUrl(url: string): string {
  const m = url.match(/^([a-z]+:\/\/[^/]+)(\/.*)?$/i);
  if (!m) return '****';
  const path = (m[2] ?? '').split('?')[0]!;
  const parts = path.split('/');
  if (parts.length > 2 && parts[parts.length - 1]) parts[parts.length - 1] = '****';
  return `${m[1]}${parts.join('/')}${url.includes('?') ? '?****' : ''}`;
}

export function mapRtmpStream(sourceId: string, deviceId: string, rtmp: WireRtmp): Stream {
  const frames = num(rtmp.sent?.frames);
  return {
    sourceId,
    deviceVendorId: deviceId,
    vendorStreamId: 'rtmp',
    protocol: 'RTMP',
    direction: 'PUSH',
    state: frames && frames > 0 ? 'LIVE' : 'STARTING',
    url: maskStreamUrl(rtmp.url),
    media: null,
    bitrateKbps: num(rtmp.bitrate),
    health: { throughputRatio: num(rtmp.speed), sentFrames: frames, sentBytes: num(rtmp.sent?.bytes) },
    startedAt: null,
    keepAliveUntil: null,
  };
}

/** The documented values for a model: "Webcaster X2", however the Model field spells it; none for the rest. */
export function limitsFor(model: string | null | undefined): SetparamLimits {
  return String(model ?? '').toLowerCase().replace(/[^a-z0-9]/g, '').includes('webcasterx2') ? WEBCASTER_X2_LIMITS : UNDOCUMENTED_LIMITS;
}

export function mapSettings(vendor: Vendor, wire: WireDevice): DeviceSettings | null {
  const s = wire.Telemetry?.settings;
  if (!s) return null;
  const limits = limitsFor(wire.Model);
  return {
    resolution: s.resolution ?? null,
    videoBitrateKbps: num(s.bitrate),
    frameRate: null,
    audioBitrateKbps: null,
    keyframeIntervalSeconds: null,
    chunkDurationSeconds: vendor === 'EPIPHAN_CLOUD' ? num(s.chunk_duration) : null,
    allowedResolutions: [...(limits.resolutions ?? [])],
    maxVideoBitrateKbps: limits.maxBitrateKbps,
  };
}

export function mapStorage(wire: WireDevice): StorageVolume[] {
  const afu = wire.Telemetry?.state?.afu;
  if (!afu) return [];
  return [
    {
      kind: 'UPLOAD_QUEUE',
      totalBytes: null,
      usedBytes: num(afu.queue_size),
      freeBytes: null,
      queuedSeconds: num(afu.queue_duration),
      uploadEnabled: Boolean(afu.state),
    },
  ];
}

export function mapDevice(sourceId: string, vendor: Vendor, wire: WireDevice): Device {
  const rtmp = wire.Telemetry?.state?.rtmp;
  const streams = rtmp && rtmp.url ? [mapRtmpStream(sourceId, wire.Id, rtmp)] : [];
  const stateTime = num(wire.StateTime);
  const seenAt = stateTime === null ? null : new Date(stateTime * 1000);
  return {
    sourceId,
    vendor,
    vendorDeviceId: wire.Id,
    name: wire.Name ?? wire.Id,
    model: wire.Model || null,
    kind: 'ENCODER',
    connection: mapConnection(wire.Status),
    isRecording: mapRecording(wire.Recording),
    // Only AV Studio reports RTMP; Epiphan Cloud cannot say whether a device streams.
    isStreaming: streams.length > 0 ? true : vendor === 'AV_STUDIO' ? false : null,
    lastSeenAt: seenAt,
    capabilities: capabilitiesFor(vendor),
    firmware: null,
    settings: mapSettings(vendor, wire),
    signal: null,
    storage: mapStorage(wire),
    streams,
    latestSnapshot: wire.SnapshotURL
      ? {
          sourceId,
          deviceVendorId: wire.Id,
          // The state image changes with the device state: one id per state time.
          vendorSnapshotId: `state-${stateTime === null ? 0 : Math.round(stateTime * 1000)}`,
          takenAt: seenAt,
          media: { sourceId, ref: mediaRef.snapshot(wire.SnapshotURL) },
          size: 'FULL',
          width: null,
          height: null,
          notes: null,
        }
      : null,
    vendorData: wire,
  };
}

/** Chunks closer than this belong to one recording session. */
export const SESSION_GAP_SECONDS = 2;

/** Groups the 10-second chunks of the timeline into recording sessions, newest first. */
export function groupChunks(sourceId: string, deviceId: string, chunks: WireChunk[]): Recording[] {
  const sorted = chunks
    .filter((c) => Number.isFinite(Number(c.Start)) && Number.isFinite(Number(c.End)) && typeof c.Url === 'string')
    .sort((a, b) => a.Start - b.Start);
  const groups: WireChunk[][] = [];
  for (const c of sorted) {
    const last = groups[groups.length - 1];
    if (last && c.Start - last[last.length - 1]!.End < SESSION_GAP_SECONDS) last.push(c);
    else groups.push([c]);
  }
  return groups
    .map((g): Recording => {
      const first = g[0]!;
      const end = g[g.length - 1]!.End;
      const segments = g.map((c) => ({
        startedAt: new Date(c.Start * 1000),
        endedAt: new Date(c.End * 1000),
        media: { sourceId, ref: mediaRef.chunk(c.Url) },
      }));
      return {
        sourceId,
        deviceVendorId: deviceId,
        vendorRecordingId: String(Math.round(first.Start * 1000)),
        startedAt: new Date(first.Start * 1000),
        endedAt: new Date(end * 1000),
        durationSeconds: Math.round((end - first.Start) * 1000) / 1000,
        status: 'READY',
        trigger: 'MANUAL',
        sizeBytes: null,
        width: null,
        height: null,
        frameRate: null,
        codec: null,
        thumbnail: null,
        hls: null,
        mp4: null,
        download: segments.length === 1 ? segments[0]!.media : null,
        segments,
      };
    })
    .reverse();
}

export interface SetparamCommand {
  param: Setparam;
  value: string;
}

/** What one device accepts: its model's documented values, and the parameters it lists in Telemetry/settings. */
export interface SetparamRules extends SetparamLimits {
  listed: ReadonlySet<Setparam>;
}

/** "Available parameters are listed in the device info Telemetry/settings dictionary" (both documents). */
export function setparamRules(wire: WireDevice): SetparamRules {
  const settings = wire.Telemetry?.settings ?? {};
  return { ...limitsFor(wire.Model), listed: new Set(SETPARAMS.filter((p) => p in settings)) };
}

/** The unified settings field each parameter sets: a refusal, ours or the device's, names it. */
export const SETPARAM_FIELD: Record<Setparam, 'resolution' | 'videoBitrateKbps' | 'chunkDurationSeconds'> = {
  resolution: 'resolution',
  bitrate: 'videoBitrateKbps',
  chunk_duration: 'chunkDurationSeconds',
};

/** A frame size in the documents' form; the only thing known of an undocumented model's resolutions. */
const FRAME_SIZE = /^[1-9]\d{1,4}x[1-9]\d{1,4}$/;

/**
 * Why a value is known invalid, or null. Where the documents give the model's values they decide; elsewhere
 * only the form is checked (a frame size, a positive integer) and the device's own answer decides the rest.
 */
function refusal(param: Setparam, value: string | number, rules: SetparamRules): string | null {
  const field = SETPARAM_FIELD[param];
  if (param === 'resolution') {
    if (rules.resolutions) return rules.resolutions.includes(String(value)) ? null : `resolution must be one of ${rules.resolutions.join(', ')}`;
    return FRAME_SIZE.test(String(value)) ? null : 'resolution must be WIDTHxHEIGHT, e.g. 1920x1080';
  }
  const n = Number(value);
  const [min, max] = param === 'bitrate' ? [1, rules.maxBitrateKbps] : (rules.chunkDurationSeconds ?? [1, null]);
  if (Number.isInteger(n) && n >= min && (max === null || n <= max)) return null;
  return max === null ? `${field} must be a positive integer` : `${field} must be an integer from ${min} to ${max}`;
}

/** Turns a settings input into setparam commands for one device, or names the field it would refuse. */
export function settingsToSetparams(
  vendor: Vendor,
  input: {
    resolution?: string | null;
    videoBitrateKbps?: number | null;
    chunkDurationSeconds?: number | null;
    frameRate?: number | null;
    audioBitrateKbps?: number | null;
    keyframeIntervalSeconds?: number | null;
  },
  rules: SetparamRules,
): { ok: SetparamCommand[] } | { field: string; message: string } {
  for (const field of ['frameRate', 'audioBitrateKbps', 'keyframeIntervalSeconds'] as const) {
    if (input[field] !== undefined && input[field] !== null) {
      return { field, message: `${field} cannot be set on ${vendor} devices (settable: resolution, videoBitrateKbps${vendor === 'EPIPHAN_CLOUD' ? ', chunkDurationSeconds' : ''})` };
    }
  }
  const given: [Setparam, string | number | null | undefined][] = [
    ['resolution', input.resolution],
    ['bitrate', input.videoBitrateKbps],
    ['chunk_duration', input.chunkDurationSeconds],
  ];
  const out: SetparamCommand[] = [];
  for (const [param, value] of given) {
    if (value === undefined || value === null) continue;
    const field = SETPARAM_FIELD[param];
    // Only the Epiphan Cloud document has chunk_duration.
    if (param === 'chunk_duration' && vendor !== 'EPIPHAN_CLOUD') return { field, message: `${field} cannot be set on ${vendor} devices` };
    if (!rules.listed.has(param)) return { field, message: `${field} is not among the settings this device reports` };
    const why = refusal(param, value, rules);
    if (why) return { field, message: why };
    out.push({ param, value: String(value) });
  }
  if (out.length === 0) return { field: 'input', message: 'no setting to change was given' };
  return { ok: out };
}

/** rtmp.start accepts rtmp:// or rtmps:// URLs only. */
export function isRtmpUrl(url: string): boolean {
  return /^rtmps?:\/\/[^\s/:]+(:\d+)?\/\S+$/i.test(url);
}
