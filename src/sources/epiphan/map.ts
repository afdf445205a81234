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
import { CHUNK_DURATION_RANGE, MAX_BITRATE_KBPS, RESOLUTIONS, type WireChunk, type WireDevice, type WireRtmp } from './wire.js';

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

export function mapSettings(vendor: Vendor, wire: WireDevice): DeviceSettings | null {
  const s = wire.Telemetry?.settings;
  if (!s) return null;
  return {
    resolution: s.resolution ?? null,
    videoBitrateKbps: num(s.bitrate),
    frameRate: null,
    audioBitrateKbps: null,
    keyframeIntervalSeconds: null,
    chunkDurationSeconds: vendor === 'EPIPHAN_CLOUD' ? num(s.chunk_duration) : null,
    allowedResolutions: [...RESOLUTIONS],
    maxVideoBitrateKbps: MAX_BITRATE_KBPS,
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
  param: 'resolution' | 'bitrate' | 'chunk_duration';
  value: string;
}

/** Turns a settings input into setparam commands, or names the field the documents do not allow. */
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
): { ok: SetparamCommand[] } | { field: string; message: string } {
  const out: SetparamCommand[] = [];
  for (const field of ['frameRate', 'audioBitrateKbps', 'keyframeIntervalSeconds'] as const) {
    if (input[field] !== undefined && input[field] !== null) {
      return { field, message: `${field} cannot be set on ${vendor} devices (settable: resolution, videoBitrateKbps${vendor === 'EPIPHAN_CLOUD' ? ', chunkDurationSeconds' : ''})` };
    }
  }
  if (input.resolution !== undefined && input.resolution !== null) {
    if (!(RESOLUTIONS as readonly string[]).includes(input.resolution)) {
      return { field: 'resolution', message: `resolution must be one of ${RESOLUTIONS.join(', ')}` };
    }
    out.push({ param: 'resolution', value: input.resolution });
  }
  if (input.videoBitrateKbps !== undefined && input.videoBitrateKbps !== null) {
    const b = input.videoBitrateKbps;
    if (!Number.isInteger(b) || b < 1 || b > MAX_BITRATE_KBPS) {
      return { field: 'videoBitrateKbps', message: `videoBitrateKbps must be an integer from 1 to ${MAX_BITRATE_KBPS}` };
    }
    out.push({ param: 'bitrate', value: String(b) });
  }
  if (input.chunkDurationSeconds !== undefined && input.chunkDurationSeconds !== null) {
    if (vendor !== 'EPIPHAN_CLOUD') {
      return { field: 'chunkDurationSeconds', message: `chunkDurationSeconds cannot be set on ${vendor} devices` };
    }
    const d = input.chunkDurationSeconds;
    const [min, max] = CHUNK_DURATION_RANGE;
    if (!Number.isInteger(d) || d < min || d > max) {
      return { field: 'chunkDurationSeconds', message: `chunkDurationSeconds must be an integer from ${min} to ${max}` };
    }
    out.push({ param: 'chunk_duration', value: String(d) });
  }
  if (out.length === 0) return { field: 'input', message: 'no setting to change was given' };
  return { ok: out };
}

/** rtmp.start accepts rtmp:// or rtmps:// URLs only. */
export function isRtmpUrl(url: string): boolean {
  return /^rtmps?:\/\/[^\s/:]+(:\d+)?\/\S+$/i.test(url);
}
