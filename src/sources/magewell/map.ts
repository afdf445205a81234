import type {
  Capability,
  Device,
  DeviceSettings,
  DeviceSettingsInput,
  Firmware,
  InputSignal,
  Recording,
  RecordingStatus,
  Share,
  StorageVolume,
  Stream,
  StreamState,
} from '../../model.js';
import {
  DISK,
  DISK_TYPE,
  RESULT,
  RESULT_NAMES,
  SECRET_KEYS,
  SERVER_TYPE,
  STATUS,
  USER_TYPE,
  type WireDisk,
  type WireInfo,
  type WireMediaFile,
  type WireSettings,
  type WireStatus,
  type WireStreamServer,
  type WireUsers,
} from './wire.js';

export const CAPABILITIES: Capability[] = ['RECORD', 'LIVE_STREAM', 'RTMP_PUSH', 'SETTINGS', 'FIRMWARE_UPDATE', 'DELETE_RECORDINGS'];

/** The document's name for a result code ("errBusy"), or "result <n>" for one it does not list. */
export function resultName(code: number): string {
  return RESULT_NAMES[code] ?? `result ${code}`;
}

/** Whether an error code is one the device itself answered with (so it is reachable). */
export function isDeviceResult(code: string | null): boolean {
  return code !== null && Object.values(RESULT_NAMES).includes(code);
}

/** Only busy, timeout and still-running states are worth trying again. */
export function isRetryableResult(code: number): boolean {
  return code === RESULT.errBusy || code === RESULT.errTimeout || code === RESULT.running;
}

/** Results after which the client must log in again and retry once. */
export function needsLogin(code: number): boolean {
  return code === RESULT.errNeedAuth || code === RESULT.errPasswd;
}

export type StatusFlags = { -readonly [K in keyof typeof STATUS]: boolean };

/** Every bit of the Device Status Mask. */
export function decodeStatus(mask: number): StatusFlags {
  return Object.fromEntries(Object.entries(STATUS).map(([name, bit]) => [name, (mask & bit) === bit])) as StatusFlags;
}

/** A live-status result as a stream state: connected is LIVE, the steps towards it STARTING, errors FAILED. */
export function liveState(result: number | undefined): StreamState {
  switch (result) {
    case RESULT.livingConnected:
      return 'LIVE';
    case RESULT.livingConnecting:
    case RESULT.livingWaiting:
    case RESULT.livingAuthing:
    case RESULT.livingDNS:
    case RESULT.running:
      return 'STARTING';
    case RESULT.livingNotset:
    case RESULT.livingAuthErr:
      return 'FAILED';
    case undefined:
    case RESULT.succeed:
    case RESULT.init:
      return 'IDLE';
    default:
      return result < 0 ? 'FAILED' : 'IDLE';
  }
}

/** "rtmp://host/app/KEY" → server URL and stream key (the last path segment), as add-server takes them. */
export function splitRtmpUrl(url: string): { url: string; key: string } | null {
  const m = url.match(/^(rtmps?:\/\/[^\s/]+(?:\/[^\s]*)?)\/([^\s/?#]+)$/i);
  return m ? { url: m[1]!, key: m[2]! } : null;
}

/** The push destination a client may see: the server URL with the key masked. */
export function maskedServerUrl(server: WireStreamServer): string {
  if (server.type === SERVER_TYPE.rtsp) return `rtsp://device:${server.port ?? 554}/`;
  const base = (server.url ?? '').replace(/\/+$/, '');
  const withScheme = /^[a-z]+:\/\//i.test(base) ? base : `rtmp://${base}`;
  return `${withScheme}/****`;
}

/**
 * Configured servers become PUSH streams. Two may be live at once: the first enabled server reports in
 * live-status result/cur-bps, the second in result2/cur-bps2.
 */
export function mapStreams(sourceId: string, sn: string, settings: WireSettings, status: WireStatus): Stream[] {
  const living = decodeStatus(status['cur-status']).living;
  const live = status['live-status'];
  const enabled = (settings['stream-server'] ?? []).filter((s) => s['is-use'] === 1);
  return (settings['stream-server'] ?? []).map((server) => {
    const slot = enabled.indexOf(server);
    const result = slot === 0 ? live?.result : slot === 1 ? live?.result2 : undefined;
    const bps = slot === 0 ? live?.['cur-bps'] : slot === 1 ? live?.['cur-bps2'] : undefined;
    const state: StreamState = slot >= 0 && (living || (result !== undefined && result < 0)) ? liveState(result) : 'IDLE';
    const runMs = live?.['run-ms'];
    return {
      sourceId,
      deviceVendorId: sn,
      vendorStreamId: `server-${server.id}`,
      protocol: server.type === SERVER_TYPE.rtsp ? 'RTSP' : 'RTMP',
      direction: 'PUSH',
      state,
      url: maskedServerUrl(server),
      media: null,
      bitrateKbps: state === 'LIVE' && bps !== undefined ? bps / 1000 : null,
      health: null,
      startedAt: state === 'LIVE' && runMs ? new Date(Date.now() - runMs) : null,
      keepAliveUntil: null,
    };
  });
}

function volume(kind: 'USB' | 'SD', disk: WireDisk | undefined): StorageVolume[] {
  if (!disk || disk['disk-status'] === DISK.notDisk) return [];
  return [
    {
      kind,
      totalBytes: disk['total-size'] ?? null,
      usedBytes: disk['used-size'] ?? null,
      freeBytes: disk['free-size'] ?? null,
      queuedSeconds: null,
      uploadEnabled: null,
    },
  ];
}

export function mapStorage(status: WireStatus): StorageVolume[] {
  return [...volume('USB', status.usb), ...volume('SD', status.sd)];
}

export function mapSignal(status: WireStatus): InputSignal | null {
  const s = status['input-signal'];
  if (!s) return null;
  const present = (s.cx ?? 0) > 0 && (s.cy ?? 0) > 0;
  return {
    present,
    width: present ? s.cx! : null,
    height: present ? s.cy! : null,
    interlaced: present ? Boolean(s.interlaced) : null,
    frameRate: present && s['frame-rate'] ? s['frame-rate'] : null,
    audioSampleRate: s['sample-rate'] || null,
  };
}

/** Frames per second from a frame interval in 100 ns units (10000000 / interval). */
export function fps(interval: number | undefined): number | null {
  return interval ? Math.round((10_000_000 / interval) * 100) / 100 : null;
}

export function mapSettings(info: WireInfo, settings: WireSettings): DeviceSettings | null {
  const main = settings['main-stream'];
  if (!main) return null;
  const cap = info['codec-cap'] ?? {};
  const kbps = (cap['video-kbps'] ?? []).map((v) => v.value);
  const timeUnit = settings['rec-control']?.['time-unit'];
  return {
    resolution: `${main.cx}x${main.cy}`,
    videoBitrateKbps: main.kbps,
    frameRate: fps(main.duration),
    audioBitrateKbps: settings.audio?.kbps ?? null,
    keyframeIntervalSeconds: main.gop,
    chunkDurationSeconds: timeUnit ? timeUnit * 60 : null,
    allowedResolutions: (cap.resolutions ?? []).map((r) => `${r.w}x${r.h}`),
    maxVideoBitrateKbps: kbps.length ? Math.max(...kbps) : null,
  };
}

function newer(candidate: string | undefined, current: string | undefined): boolean {
  if (!candidate) return false;
  if (!current) return true;
  const a = candidate.split('.').map(Number);
  const b = current.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

export function mapFirmware(info: WireInfo, status: WireStatus): Firmware {
  const flags = decodeStatus(status['cur-status']);
  const version = info.product['firmware-ver-s'] ?? null;
  const known = status.upgrade?.ver;
  return {
    version,
    updateAvailable: known ? newer(known, version ?? undefined) : null,
    updateInProgress: flags.upgrade,
    progressPercent: flags.upgrade ? (status['upgrade-status']?.percent ?? null) : null,
  };
}

/** Removes every secret-bearing key at any depth (stream keys, passwords, tokens). */
export function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_KEYS.includes(k)).map(([k, v]) => [k, scrub(v)]));
  }
  return value;
}

/** Media refs carry the encoder's serial, so the source knows which host to fetch from. */
export const mediaRef = {
  make: (sn: string, kind: 'download' | 'file' | 'snapshot', path: string) => `${sn}|${kind}:${path}`,
  parse(ref: string): { sn: string; kind: string; path: string } | null {
    const m = ref.match(/^([^|]+)\|(download|file|snapshot):(\/.*)$/);
    return m && !m[3]!.includes('..') ? { sn: m[1]!, kind: m[2]!, path: m[3]! } : null;
  },
};

export function mapDevice(sourceId: string, info: WireInfo, status: WireStatus, settings: WireSettings): Device {
  const sn = info.product.sn;
  const flags = decodeStatus(status['cur-status']);
  const streams = mapStreams(sourceId, sn, settings, status);
  return {
    sourceId,
    vendor: 'MAGEWELL',
    vendorDeviceId: sn,
    name: status['box-name'] || settings.name || sn,
    model: info.product['module-name'] ?? info.product['product-name'] ?? null,
    kind: 'ENCODER',
    connection: flags.reboot ? 'OFFLINE' : 'ONLINE',
    isRecording: flags.record,
    isStreaming: flags.living,
    lastSeenAt: new Date(),
    capabilities: CAPABILITIES,
    firmware: mapFirmware(info, status),
    settings: mapSettings(info, settings),
    signal: mapSignal(status),
    storage: mapStorage(status),
    streams,
    latestSnapshot: info.snapshot
      ? {
          sourceId,
          deviceVendorId: sn,
          vendorSnapshotId: 'latest',
          // The device refreshes this preview continuously and does not say when: unknown.
          takenAt: null,
          media: { sourceId, ref: mediaRef.make(sn, 'snapshot', info.snapshot) },
          size: 'THUMB',
          width: null,
          height: null,
          notes: null,
        }
      : null,
    vendorData: scrub({ info, status, settings }),
  };
}

/**
 * An encoder that answered before but cannot be read now: what is known of it. OFFLINE when it does not
 * answer at all; UNKNOWN when it answers ping but refuses us (password changed, held by two other apps).
 */
export function unreadableDevice(sourceId: string, info: WireInfo, lastSeenAt: Date | null, reachable: boolean): Device {
  return {
    sourceId,
    vendor: 'MAGEWELL',
    vendorDeviceId: info.product.sn,
    name: info.product.sn,
    model: info.product['module-name'] ?? null,
    kind: 'ENCODER',
    connection: reachable ? 'UNKNOWN' : 'OFFLINE',
    isRecording: null,
    isStreaming: null,
    lastSeenAt,
    capabilities: CAPABILITIES,
    firmware: { version: info.product['firmware-ver-s'] ?? null, updateAvailable: null, updateInProgress: false, progressPercent: null },
    settings: null,
    signal: null,
    storage: [],
    streams: [],
    latestSnapshot: null,
    vendorData: scrub({ info }),
  };
}

const FILE_STATUS: Record<number, RecordingStatus> = { 0: 'IN_PROGRESS', 1: 'READY', 2: 'FAILED', 3: 'LOST' };

/** "2019-09-25 06:35:21" in the device's clock (UTC unless its time zone says otherwise). */
export function parseDeviceTime(text: string): Date | null {
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/);
  if (!m) return null;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export function recordingId(diskType: number, name: string): string {
  return `${diskType === DISK_TYPE.usb ? 'usb' : 'sd'}:${name}`;
}

export function parseRecordingId(id: string): { diskType: number; name: string } | null {
  const m = id.match(/^(usb|sd):([^/\\]+)$/);
  return m ? { diskType: m[1] === 'usb' ? DISK_TYPE.usb : DISK_TYPE.sd, name: m[2]! } : null;
}

export function mapMediaFile(sourceId: string, sn: string, diskType: number, path: string, thumbDir: string, f: WireMediaFile): Recording | null {
  const started = parseDeviceTime(f['create-time']);
  if (!started) return null;
  const seconds = f.duration !== undefined ? f.duration / 1000 : null;
  const filePath = `${path}/${f.name}`;
  return {
    sourceId,
    deviceVendorId: sn,
    vendorRecordingId: recordingId(diskType, f.name),
    startedAt: started,
    endedAt: seconds !== null && f.status !== 0 ? new Date(started.getTime() + seconds * 1000) : null,
    durationSeconds: seconds,
    status: FILE_STATUS[f.status] ?? 'FAILED',
    trigger: 'MANUAL',
    sizeBytes: f['size-bytes'] ?? null,
    width: f.width ?? null,
    height: f.height ?? null,
    frameRate: fps(f.interval),
    codec: f.codec === 1 ? 'HEVC' : f.codec === 0 ? 'H.264' : null,
    thumbnail: f['thumbnail-name'] ? { sourceId, ref: mediaRef.make(sn, 'download', `${path}/${thumbDir}/${f['thumbnail-name']}.jpg`) } : null,
    hls: null,
    mp4: /\.mp4$/i.test(f.name) ? { sourceId, ref: mediaRef.make(sn, 'download', filePath) } : null,
    download: { sourceId, ref: mediaRef.make(sn, 'download', filePath) },
    segments: [],
  };
}

export function mapUsers(sourceId: string, sn: string, users: WireUsers): Share[] {
  return (users.users ?? []).map((u) => ({
    sourceId,
    deviceVendorId: sn,
    vendorShareId: u.id,
    grantee: u.id,
    kind: 'ACCOUNT_ACCESS',
    rights: u.type === USER_TYPE.admin ? ['ADMIN'] : ['VIEW', 'EDIT'],
    createdAt: null,
  }));
}

/** set-name and server names: 1 to 32 of A-Z a-z 0-9 space . _ - + ' [ ] ( ), not starting or ending with a space. */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9._\-+'[\]() ]{1,32}$/.test(name) && !name.startsWith(' ') && !name.endsWith(' ');
}

export type UsapiCall = { method: string; params: Record<string, string | number> };

/**
 * The calls that apply a settings input, validated against get-info's ranges; or the field that is wrong.
 * set-video needs the whole main-stream format, so unchanged values are sent as they are.
 */
export function settingsCalls(
  info: WireInfo,
  settings: WireSettings,
  input: DeviceSettingsInput,
): { ok: UsapiCall[] } | { field: string; message: string } {
  const cap = info['codec-cap'] ?? {};
  const main = settings['main-stream'];
  if (!main) return { field: 'input', message: 'the encoder reports no main stream to configure' };
  const video = { ...main };
  let videoChanged = false;
  const calls: UsapiCall[] = [];

  if (input.resolution != null) {
    const r = (cap.resolutions ?? []).find((x) => `${x.w}x${x.h}` === input.resolution);
    if (!r) return { field: 'resolution', message: `resolution must be one of ${(cap.resolutions ?? []).map((x) => `${x.w}x${x.h}`).join(', ')}` };
    video.cx = r.w;
    video.cy = r.h;
    videoChanged = true;
  }
  if (input.videoBitrateKbps != null) {
    const allowed = (cap['video-kbps'] ?? []).map((v) => v.value);
    if (!allowed.includes(input.videoBitrateKbps)) return { field: 'videoBitrateKbps', message: `videoBitrateKbps must be one of ${allowed.join(', ')}` };
    video.kbps = input.videoBitrateKbps;
    videoChanged = true;
  }
  if (input.frameRate != null) {
    const d = (cap.durations ?? []).find((x) => Math.abs(10_000_000 / x.value - input.frameRate!) < 0.01);
    if (!d) return { field: 'frameRate', message: `frameRate must be one of ${(cap.durations ?? []).map((x) => fps(x.value)).join(', ')}` };
    video.duration = d.value;
    videoChanged = true;
  }
  if (input.keyframeIntervalSeconds != null) {
    const allowed = (cap['gop-sec'] ?? []).map((v) => v.value);
    if (!allowed.includes(input.keyframeIntervalSeconds)) return { field: 'keyframeIntervalSeconds', message: `keyframeIntervalSeconds must be one of ${allowed.join(', ')}` };
    video.gop = input.keyframeIntervalSeconds;
    videoChanged = true;
  }
  if (input.audioBitrateKbps != null) {
    const allowed = (cap['audio-kbps'] ?? []).map((v) => v.value);
    if (!allowed.includes(input.audioBitrateKbps)) return { field: 'audioBitrateKbps', message: `audioBitrateKbps must be one of ${allowed.join(', ')}` };
    calls.push({ method: 'set-audio', params: { kbps: input.audioBitrateKbps } });
  }
  if (input.chunkDurationSeconds != null) {
    const allowed = (info['rec-control']?.['time-unit'] ?? []).map((v) => v.value * 60);
    if (!allowed.includes(input.chunkDurationSeconds)) return { field: 'chunkDurationSeconds', message: `chunkDurationSeconds must be one of ${allowed.join(', ')}` };
    // One file may not exceed 4 GB: time-unit * bitrate <= 4G.
    if ((input.chunkDurationSeconds * video.kbps * 1000) / 8 > 4 * 1024 ** 3) {
      return { field: 'chunkDurationSeconds', message: 'a recording file would exceed 4 GB at this bitrate (err4GLimited)' };
    }
    const rc = settings['rec-control'] ?? {};
    calls.push({
      method: 'set-rec-control',
      params: {
        'usb-option': rc['usb-option'] ?? 1,
        'sd-option': rc['sd-option'] ?? 1,
        'mime-type': rc['mime-type'] ?? 0,
        'root-folder': rc['root-folder'] ?? 'REC_Folder',
        'time-unit': input.chunkDurationSeconds / 60,
      },
    });
  }
  if (videoChanged) {
    calls.unshift({
      method: 'set-video',
      params: {
        stream: 0,
        'is-auto': 0,
        cx: video.cx,
        cy: video.cy,
        duration: video.duration,
        kbps: video.kbps,
        gop: video.gop,
        fourcc: video.fourcc ?? 0,
        profile: video.profile ?? 2,
        cbrstat: video.cbrstat ?? 60,
        fullrange: video.fullrange ?? 0,
        codec: video.codec ?? 0,
      },
    });
  }
  if (calls.length === 0) return { field: 'input', message: 'no setting to change was given' };
  return { ok: calls };
}
