import type {
  Capability,
  Device,
  DeviceSettings,
  DeviceSettingsInput,
  DeviceState,
  Firmware,
  InputSignal,
  Recording,
  RecordingStatus,
  Share,
  StorageKind,
  StorageStatus,
  StorageVolume,
  Stream,
  StreamState,
} from '../../model.js';
import { isTimeZone, offsetAt, wallTimeToDate } from '../wall-clock.js';
import {
  DEFAULT_TIME_ZONE,
  DISK,
  DISK_TYPE,
  ONLINE_UPDATE_STEPS,
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

export const CAPABILITIES: Capability[] = [
  'RECORD',
  'LIVE_STREAM',
  'RTMP_PUSH',
  'SETTINGS',
  'FIRMWARE_UPDATE',
  'DELETE_RECORDINGS',
  'REBOOT',
  'FORMAT_STORAGE',
];

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

/** Mask bits a dashboard shows as device states (recording and live have their own fields). */
const STATE_BITS: [keyof StatusFlags, DeviceState][] = [
  ['reboot', 'REBOOTING'],
  ['reset', 'RESETTING'],
  ['upgrade', 'UPDATING_FIRMWARE'],
  ['checkUpgrade', 'CHECKING_FOR_UPDATE'],
  ['formatDisk', 'FORMATTING_STORAGE'],
  ['formatSD', 'FORMATTING_STORAGE'],
  ['diskTest', 'TESTING_STORAGE'],
  ['netTest', 'TESTING_STREAM'],
  ['sendTest', 'TESTING_UPLOAD'],
  // Locked by another app: the document's own get-status example, read in a session, does not set it.
  ['occupied', 'OCCUPIED'],
];

export function deviceStates(mask: number): DeviceState[] {
  const flags = decodeStatus(mask);
  return [...new Set(STATE_BITS.filter(([bit]) => flags[bit]).map(([, state]) => state))];
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

const DISK_STATUS: Record<number, StorageStatus> = {
  [DISK.notDisk]: 'NOT_INSERTED',
  [DISK.valid]: 'READY',
  [DISK.notSpace]: 'FULL',
  [DISK.notWrite]: 'READ_ONLY',
  [DISK.lowSpace]: 'LOW_SPACE',
  [DISK.invalid]: 'ERROR',
};

/** `formatPercent` is false while the volume is not being formatted. */
function volume(kind: 'USB' | 'SD', disk: WireDisk | undefined, formatPercent: number | null | false): StorageVolume[] {
  if (!disk) return [];
  const inserted = disk['disk-status'] !== DISK.notDisk;
  const formatting = formatPercent !== false;
  return [
    {
      kind,
      totalBytes: inserted ? (disk['total-size'] ?? null) : null,
      usedBytes: inserted ? (disk['used-size'] ?? null) : null,
      freeBytes: inserted ? (disk['free-size'] ?? null) : null,
      queuedSeconds: null,
      uploadEnabled: null,
      status: formatting ? 'FORMATTING' : (DISK_STATUS[disk['disk-status']] ?? 'ERROR'),
      progressPercent: formatting ? formatPercent : null,
    },
  ];
}

/**
 * Why the document's conditions for start-format-usb / start-format-sd do not hold now, or null: no update,
 * reset, reboot or recording under way (nor a USB test, for USB), no other format, and the disk valid to work
 * (`disk-status & DiskValid`, which a full or low disk still is).
 */
export function formatRefusal(status: WireStatus, disk: 'usb' | 'sd'): { message: string; field: string } | null {
  const f = decodeStatus(status['cur-status']);
  const busy = (message: string) => ({ message, field: 'deviceId' });
  if (f.formatDisk || f.formatSD) return busy('a disk is already being formatted');
  if (f.upgrade) return busy('a firmware update is in progress; format after it finishes');
  if (f.reset || f.reboot) return busy('the encoder is resetting or rebooting');
  if (f.record) return busy('the encoder is recording; stop recording before formatting');
  if (disk === 'usb' && f.diskTest) return busy('the USB drive is being tested; format after the test');
  const d = status[disk];
  const state = d ? (DISK_STATUS[d['disk-status']] ?? 'ERROR') : 'NOT_INSERTED';
  if (!d || (d['disk-status'] & DISK.valid) !== DISK.valid) return { message: `the ${disk.toUpperCase()} storage cannot be formatted: it is ${state}`, field: 'kind' };
  return null;
}

/** The disk a format of `kind` means: an Ultra Stream has a USB drive and an SD card, nothing else. */
export function formatTarget(kind: StorageKind): 'usb' | 'sd' | null {
  return kind === 'USB' ? 'usb' : kind === 'SD' ? 'sd' : null;
}

/** Both slots, inserted or not; the one being formatted (the mask says which) carries format-status's percent. */
export function mapStorage(status: WireStatus): StorageVolume[] {
  const flags = decodeStatus(status['cur-status']);
  const percent = status['format-status']?.percent ?? null;
  return [...volume('USB', status.usb, flags.formatDisk && percent), ...volume('SD', status.sd, flags.formatSD && percent)];
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

/** Whether a dotted version ("1.2.123") is newer than another. */
export function newer(candidate: string | undefined, current: string | undefined): boolean {
  if (!candidate) return false;
  if (!current) return true;
  const a = candidate.split('.').map(Number);
  const b = current.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

/**
 * How far the whole update has come: upgrade-status's percent is of the current step, so an online update
 * (download, then write) would otherwise run to 100 twice.
 */
export function updateProgress(upgrade: WireStatus['upgrade-status']): number | null {
  if (upgrade?.percent === undefined) return null;
  const percent = Math.min(Math.max(upgrade.percent, 0), 100);
  if (upgrade.mode !== 'online') return Math.floor(percent);
  const step = Math.min(Math.max(upgrade.step ?? 1, 1), ONLINE_UPDATE_STEPS);
  return Math.floor(((step - 1) * 100 + percent) / ONLINE_UPDATE_STEPS);
}

export function mapFirmware(info: WireInfo, status: WireStatus): Firmware {
  const flags = decodeStatus(status['cur-status']);
  const version = info.product['firmware-ver-s'] ?? null;
  const known = status.upgrade?.ver;
  // A failed update or check keeps its negative result until clear-upgrade / clear-check-update.
  const failed = [status['upgrade-status']?.result, status['check-upgrade']?.result].find((r) => r !== undefined && r < 0);
  return {
    version,
    updateAvailable: known ? newer(known, version ?? undefined) : null,
    updateInProgress: flags.upgrade,
    progressPercent: flags.upgrade ? updateProgress(status['upgrade-status']) : null,
    failure: !flags.upgrade && failed !== undefined ? resultName(failed) : null,
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
    states: deviceStates(status['cur-status']),
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
 * `states` says why, where known (REBOOTING, OCCUPIED).
 */
export function unreadableDevice(sourceId: string, info: WireInfo, lastSeenAt: Date | null, reachable: boolean, states: DeviceState[] = []): Device {
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
    states,
    vendorData: scrub({ info }),
  };
}

const FILE_STATUS: Record<number, RecordingStatus> = { 0: 'IN_PROGRESS', 1: 'READY', 2: 'FAILED', 3: 'LOST' };

/** The zone the encoder's clock runs in (get-settings date-time); the document's default when unnamed or unknown. */
export function timeZoneOf(settings: WireSettings): string {
  const zone = settings['date-time']?.timezone;
  return zone && isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}

/** "2019-09-25 06:35:21" on the encoder's clock, which runs in `zone`. */
export function parseDeviceTime(text: string, zone: string = DEFAULT_TIME_ZONE): Date | null {
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/);
  if (!m) return null;
  return wallTimeToDate({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! }, zone);
}

export function recordingId(diskType: number, name: string): string {
  return `${diskType === DISK_TYPE.usb ? 'usb' : 'sd'}:${name}`;
}

export function parseRecordingId(id: string): { diskType: number; name: string } | null {
  const m = id.match(/^(usb|sd):([^/\\]+)$/);
  return m ? { diskType: m[1] === 'usb' ? DISK_TYPE.usb : DISK_TYPE.sd, name: m[2]! } : null;
}

export function mapMediaFile(
  sourceId: string,
  sn: string,
  diskType: number,
  path: string,
  thumbDir: string,
  f: WireMediaFile,
  zone: string = DEFAULT_TIME_ZONE,
): Recording | null {
  const started = parseDeviceTime(f['create-time'], zone);
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
    utcOffsetMinutes: offsetAt(zone, started.getTime()) / 60_000,
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

/** set-video's format parameters, in the document's order; `stream` and `is-auto` lead. */
const VIDEO_PARAMS = ['cx', 'cy', 'duration', 'kbps', 'gop', 'fourcc', 'profile', 'cbrstat', 'fullrange', 'codec'] as const;

/**
 * The calls that apply a settings input, validated against get-info's ranges; or the field that is wrong.
 * set-video takes the whole main-stream format, so it carries the encoder's own values (only those it
 * reports) with just the caller's changes.
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
    // Following the input (is-auto) stays as it is, unless the caller fixed a resolution or frame rate,
    // which following the input would override.
    const isAuto = input.resolution != null || input.frameRate != null ? 0 : main['is-auto'];
    const params: Record<string, number> = { stream: 0, ...(isAuto !== undefined ? { 'is-auto': isAuto } : {}) };
    for (const k of VIDEO_PARAMS) if (video[k] !== undefined) params[k] = video[k];
    calls.unshift({ method: 'set-video', params });
  }
  if (calls.length === 0) return { field: 'input', message: 'no setting to change was given' };
  return { ok: calls };
}
