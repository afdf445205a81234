/** The unified domain: what every source produces and the schema exposes. No vendor field names here. */

export const VENDORS = ['EPIPHAN_CLOUD', 'AV_STUDIO', 'MAGEWELL', 'VIDEOLOFT', 'EVERCAM'] as const;
export type Vendor = (typeof VENDORS)[number];

export const CAPABILITIES = [
  'RECORD',
  'LIVE_STREAM',
  'RTMP_PUSH',
  'SNAPSHOT_CAPTURE',
  'PTZ',
  'TRIGGER_EVENT',
  'UPLOAD',
  'FIRMWARE_UPDATE',
  'SETTINGS',
  'SHARE',
  'PAIRING',
  'DELETE_RECORDINGS',
  'REBOOT',
  'FORMAT_STORAGE',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type DeviceKind = 'ENCODER' | 'CAMERA';
export type ConnectionState = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';
export type SourceState = 'OK' | 'DEGRADED' | 'DOWN';
export type StorageKind = 'SD' | 'USB' | 'INTERNAL' | 'UPLOAD_QUEUE';
export const STORAGE_STATUSES = ['READY', 'LOW_SPACE', 'FULL', 'READ_ONLY', 'FORMATTING', 'NOT_INSERTED', 'ERROR'] as const;
export type StorageStatus = (typeof STORAGE_STATUSES)[number];
/** What a device is going through besides recording and streaming, for dashboards. */
export const DEVICE_STATES = [
  'REBOOTING',
  'RESETTING',
  'UPDATING_FIRMWARE',
  'CHECKING_FOR_UPDATE',
  'FORMATTING_STORAGE',
  'TESTING_STORAGE',
  'TESTING_STREAM',
  'TESTING_UPLOAD',
  'OCCUPIED',
] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];
export type RecordingStatus = 'IN_PROGRESS' | 'READY' | 'FAILED' | 'LOST';
export const RECORDING_TRIGGERS = ['MANUAL', 'MOTION', 'AUDIO', 'CONTINUOUS', 'SCHEDULED', 'UNKNOWN'] as const;
export type RecordingTrigger = (typeof RECORDING_TRIGGERS)[number];
export type StreamProtocol = 'HLS' | 'RTMP' | 'RTSP';
export type StreamDirection = 'PLAYBACK' | 'PUSH';
export type StreamState = 'IDLE' | 'STARTING' | 'LIVE' | 'FAILED';
export type SnapshotSize = 'THUMB' | 'STILL' | 'FULL';
export type ShareKind = 'PUBLIC' | 'PRIVATE' | 'ACCOUNT_ACCESS';
export type ShareRight = 'VIEW' | 'SNAPSHOT' | 'LIST' | 'EDIT' | 'DELETE' | 'ADMIN';

/**
 * Something a client may fetch through avgraph's /media route. `ref` is opaque to everything but the
 * source that made it; the source adds credentials when the route asks it to fetch.
 */
export interface MediaRef {
  sourceId: string;
  ref: string;
}

export interface SourceHealth {
  state: SourceState;
  lastSuccessAt: Date | null;
  lastError: string | null;
  latencyMs: number | null;
  circuitOpen: boolean;
}

export interface Firmware {
  version: string | null;
  updateAvailable: boolean | null;
  updateInProgress: boolean;
  /** Of the whole update, not of one of its steps. */
  progressPercent: number | null;
  /** Why the last update (or check for one) failed, in the vendor's own name for it; absent when it did not. */
  failure?: string | null;
}

export interface DeviceSettings {
  resolution: string | null;
  videoBitrateKbps: number | null;
  frameRate: number | null;
  audioBitrateKbps: number | null;
  keyframeIntervalSeconds: number | null;
  chunkDurationSeconds: number | null;
  allowedResolutions: string[];
  maxVideoBitrateKbps: number | null;
}

export interface InputSignal {
  present: boolean;
  width: number | null;
  height: number | null;
  interlaced: boolean | null;
  frameRate: number | null;
  audioSampleRate: number | null;
}

export interface StorageVolume {
  kind: StorageKind;
  totalBytes: number | null;
  usedBytes: number | null;
  freeBytes: number | null;
  queuedSeconds: number | null;
  uploadEnabled: boolean | null;
  /** Absent where the vendor does not say. */
  status?: StorageStatus | null;
  /** How far a format has come while status is FORMATTING. */
  progressPercent?: number | null;
}

export interface StreamHealth {
  throughputRatio: number | null;
  sentFrames: number | null;
  sentBytes: number | null;
}

export interface Stream {
  sourceId: string;
  deviceVendorId: string;
  /** Unique within the device. */
  vendorStreamId: string;
  protocol: StreamProtocol;
  direction: StreamDirection;
  state: StreamState;
  /** Push destination with any key masked; playback streams use `media` instead. */
  url: string | null;
  media: MediaRef | null;
  bitrateKbps: number | null;
  health: StreamHealth | null;
  startedAt: Date | null;
  keepAliveUntil: Date | null;
}

export interface Snapshot {
  sourceId: string;
  deviceVendorId: string;
  vendorSnapshotId: string;
  takenAt: Date | null;
  media: MediaRef;
  size: SnapshotSize;
  width: number | null;
  height: number | null;
  notes: string | null;
}

export interface RecordingSegment {
  startedAt: Date;
  endedAt: Date;
  media: MediaRef;
}

export interface Recording {
  sourceId: string;
  deviceVendorId: string;
  vendorRecordingId: string;
  startedAt: Date;
  endedAt: Date | null;
  durationSeconds: number | null;
  status: RecordingStatus;
  trigger: RecordingTrigger;
  sizeBytes: number | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  codec: string | null;
  thumbnail: MediaRef | null;
  hls: MediaRef | null;
  mp4: MediaRef | null;
  download: MediaRef | null;
  segments: RecordingSegment[];
  /** How strong the motion that set it off was, 0 (none) to 1 (the most the device measures); absent when unknown. */
  motionLevel?: number | null;
  /** How loud the sound that set it off was, 0 to 1 as motionLevel. */
  audioLevel?: number | null;
  /** The device's offset from UTC where it recorded, in minutes east: for showing local time. */
  utcOffsetMinutes?: number | null;
  /** The vendor's own record of it, for what has no unified field. */
  vendorData?: unknown;
}

export interface Share {
  sourceId: string;
  deviceVendorId: string;
  vendorShareId: string;
  grantee: string | null;
  kind: ShareKind;
  rights: ShareRight[];
  createdAt: Date | null;
}

export interface Device {
  sourceId: string;
  vendor: Vendor;
  vendorDeviceId: string;
  name: string;
  model: string | null;
  kind: DeviceKind;
  connection: ConnectionState;
  isRecording: boolean | null;
  isStreaming: boolean | null;
  lastSeenAt: Date | null;
  /** When avgraph read this state from the vendor (set by the device store; absent straight from a source). */
  observedAt?: Date;
  capabilities: Capability[];
  firmware: Firmware | null;
  settings: DeviceSettings | null;
  signal: InputSignal | null;
  storage: StorageVolume[];
  streams: Stream[];
  latestSnapshot: Snapshot | null;
  /** The device's picture as it is now, read through the vendor each time it is fetched; absent where there is none. */
  liveSnapshot?: MediaRef | null;
  /** Absent where the vendor reports none. */
  states?: DeviceState[];
  /** The IANA zone of the device's own clock, where the vendor names one: the calendar of its snapshot archive. */
  timeZone?: string | null;
  /** The vendor's own payload with secrets removed; only admins see it. */
  vendorData: unknown;
}

export interface TimeRange {
  from: Date;
  to: Date;
  /** Only the newest `limit` recordings in the range are wanted (a source may still return more). */
  limit?: number;
}

export interface DeviceSettingsInput {
  resolution?: string | null;
  videoBitrateKbps?: number | null;
  frameRate?: number | null;
  audioBitrateKbps?: number | null;
  keyframeIntervalSeconds?: number | null;
  chunkDurationSeconds?: number | null;
}

/** A camera as a caller describes it to add or change it (Evercam). The password is write-only. */
export interface CameraInput {
  name?: string | null;
  isPublic?: boolean | null;
  externalHost?: string | null;
  externalHttpPort?: number | null;
  externalRtspPort?: number | null;
  jpgUrl?: string | null;
  username?: string | null;
  password?: string | null;
}

/** Why the vendor could not get a picture from a camera it was asked to test. */
export const CAMERA_TEST_PROBLEMS = ['CREDENTIALS_REFUSED', 'UNREACHABLE'] as const;
export type CameraTestProblem = (typeof CAMERA_TEST_PROBLEMS)[number];

/** What the vendor found when it tried a camera's address, port, snapshot path and credentials. */
export interface CameraTestResult {
  ok: boolean;
  problem: CameraTestProblem | null;
  /** Why it failed, in the vendor's own words, secrets removed. */
  reason: string | null;
}

/** Control commands a source may accept; the schema maps mutations onto these. */
export type DeviceCommand =
  | { type: 'startRecording' }
  | { type: 'stopRecording' }
  | { type: 'startStream'; rtmpUrl: string | null }
  | { type: 'stopStream'; vendorStreamId: string | null }
  | { type: 'updateSettings'; input: DeviceSettingsInput }
  | { type: 'startFirmwareUpdate' }
  | { type: 'reboot' }
  | { type: 'formatStorage'; kind: StorageKind }
  | { type: 'setUpload'; enabled: boolean }
  | { type: 'clearFootage' }
  | { type: 'unpair' }
  | { type: 'rename'; name: string }
  | { type: 'captureSnapshot'; size: SnapshotSize | null; notes?: string | null }
  | { type: 'triggerEvent'; seconds: number }
  | { type: 'movePtz'; direction: PtzDirection; mode: PtzMode };

export type PtzDirection = 'UP' | 'DOWN' | 'LEFT' | 'RIGHT' | 'ZOOM_IN' | 'ZOOM_OUT';
export type PtzMode = 'STEP' | 'START' | 'STOP';

export type CommandType = DeviceCommand['type'];

/** Which capability each command needs; a device without it gets NotSupportedError before any upstream call. */
export const COMMAND_CAPABILITY: Record<CommandType, Capability> = {
  startRecording: 'RECORD',
  stopRecording: 'RECORD',
  startStream: 'LIVE_STREAM',
  stopStream: 'LIVE_STREAM',
  updateSettings: 'SETTINGS',
  startFirmwareUpdate: 'FIRMWARE_UPDATE',
  reboot: 'REBOOT',
  formatStorage: 'FORMAT_STORAGE',
  setUpload: 'UPLOAD',
  clearFootage: 'UPLOAD',
  unpair: 'PAIRING',
  // No capability names renaming; sources that cannot rename refuse it in validateCommand.
  rename: 'SETTINGS',
  captureSnapshot: 'SNAPSHOT_CAPTURE',
  triggerEvent: 'TRIGGER_EVENT',
  movePtz: 'PTZ',
};
