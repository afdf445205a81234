import type { Readable } from 'node:stream';
import type { UpstreamError } from '../errors.js';
import type {
  CameraInput,
  CameraTestResult,
  Capability,
  Device,
  DeviceCommand,
  Recording,
  Share,
  ShareRight,
  Snapshot,
  SourceHealth,
  TimeRange,
  Vendor,
} from '../model.js';
import type { UpstreamResponse } from './http.js';

export interface MediaRequest {
  /** Forwarded Range header, for seeking in video. */
  range?: string;
}

/**
 * A read of a source's fleet. A source made of many upstream hosts (Magewell: one per encoder) answers
 * with the devices it could read and the failures of the rest, so one dead host does not hide the others.
 */
export interface FleetRead {
  devices: Device[];
  failures: UpstreamError[];
}

export interface CameraVendor {
  id: string;
  name: string;
  macPrefixes: string[];
  supported: boolean | null;
  models: string[];
}

export interface CameraModel {
  vendorId: string;
  name: string;
  knownModels: string[];
  defaults: unknown;
}

export interface CameraCatalog {
  vendors(macPrefix: string | null): Promise<CameraVendor[]>;
  models(vendorId: string): Promise<CameraModel[]>;
  model(vendorId: string, name: string): Promise<CameraModel | null>;
}

/**
 * Who else may use a device. Some vendors only report it (an encoder's users, the account's own access):
 * they leave out create and delete, and the mutations answer NotSupportedError.
 */
export interface Shares {
  list(vendorDeviceId: string): Promise<Share[]>;
  create?(vendorDeviceId: string, email: string, rights: ShareRight[]): Promise<Share>;
  delete?(vendorDeviceId: string, vendorShareId: string): Promise<void>;
}

/**
 * A device's stored snapshots: the newest, a page of a range (oldest first, after a snapshot id), the one
 * closest to a time, which days of a month / hours of a day hold any, and deletion of one.
 */
export interface SnapshotArchive {
  latest(vendorDeviceId: string): Promise<Snapshot | null>;
  list(vendorDeviceId: string, q: { from: Date; to: Date; after: string | null; limit: number }): Promise<Snapshot[]>;
  closest(vendorDeviceId: string, at: Date, rangeSeconds: number | null): Promise<Snapshot | null>;
  days(vendorDeviceId: string, year: number, month: number): Promise<number[]>;
  hours(vendorDeviceId: string, year: number, month: number, day: number): Promise<number[]>;
  delete(vendorDeviceId: string, vendorSnapshotId: string): Promise<void>;
}

/** Cameras the vendor reaches on the user's behalf. Input is validated before anything is sent. */
export interface CameraManagement {
  /** Returns the new camera's vendor id. */
  add(input: CameraInput): Promise<string>;
  update(vendorDeviceId: string, input: CameraInput): Promise<void>;
  remove(vendorDeviceId: string): Promise<void>;
  /** Has the vendor try a camera's address, snapshot path and credentials, before it is added. */
  test(input: CameraInput): Promise<CameraTestResult>;
}

/** What a source that can push (a realtime feed) tells the live layer. */
export type SourceEvent =
  | { type: 'deviceChanged'; vendorDeviceId: string }
  /** The feed came back after a gap: read everything again so nothing that happened meanwhile is lost. */
  | { type: 'resync' }
  | { type: 'recordingAdded'; recording: Recording };

/**
 * An HLS playlist fetched upstream, for the media route to rewrite: every URI becomes a signed avgraph URL
 * for the ref `refFor` gives (null drops the line), so players never see vendor URLs or tokens.
 */
export interface PlaylistMedia {
  playlist: string;
  refFor(uri: string): string | null;
}

export type MediaResponse = UpstreamResponse<Readable> | PlaylistMedia;

/** What a command produced, beyond changing the device. */
export interface CommandResult {
  /** The stream a startStream created or changed. */
  vendorStreamId?: string;
  /** The snapshot a captureSnapshot took. */
  snapshot?: Snapshot;
}

/**
 * What every vendor source implements. Everything it returns is unified model; nothing above
 * src/sources/<vendor> sees a vendor field name.
 *
 * A feature only some vendors have is one optional member: a capability object where it has several methods
 * (`snapshots`; a caller asks `source.snapshots?.list(...)`), an optional method where it has one (`pair`).
 * A wrapper object around one method would add a name and a hop and group nothing.
 */
export interface Source {
  readonly id: string;
  readonly vendor: Vendor;
  /** How often a poller should read this source while someone listens. */
  readonly pollIntervalMs: number;
  /**
   * How one device is read most narrowly: through the fleet's list call (the default), or on its own where the
   * vendor is one host per device (Magewell), so a lookup of one never reads them all.
   */
  readonly reads?: 'fleet' | 'per-device';

  health(): SourceHealth;
  onHealthChange(listener: (h: SourceHealth) => void): () => void;
  /** Upstream calls made so far, by endpoint. */
  callCounts(): Record<string, number>;

  /** The whole fleet, as few upstream calls as the vendor allows. */
  listDevices(): Promise<FleetRead>;
  getDevice(vendorDeviceId: string): Promise<Device | null>;

  /**
   * Capabilities a device has, known without an upstream call, so unsupported mutations are refused
   * before anything is sent.
   */
  capabilitiesOf(vendorDeviceId: string): Promise<Capability[]>;

  listRecordings(vendorDeviceId: string, range: TimeRange): Promise<Recording[]>;
  /**
   * A device's recordings are a finite list of files it holds (Magewell's USB and SD disks): Device.recordings
   * without `from` lists them all instead of the default window, so old files do not look absent.
   */
  readonly recordingsAreFiles?: boolean;
  getRecording(vendorDeviceId: string, vendorRecordingId: string): Promise<Recording | null>;

  /**
   * Throws ValidationError (or NotSupportedError) for input the vendor would refuse. Sends no command; it
   * may read what the device allows (Magewell's ranges come from get-info).
   */
  validateCommand(vendorDeviceId: string, command: DeviceCommand): Promise<void>;
  execute(vendorDeviceId: string, command: DeviceCommand): Promise<CommandResult>;

  /** Adds a device by pairing code; returns its vendor id. Only sources with PAIRING. */
  pair?(pairingCode: string, name: string | null): Promise<string>;
  /** Deletes recordings of one device; returns the vendor recording ids deleted. Only with DELETE_RECORDINGS. */
  deleteRecordings?(vendorDeviceId: string, vendorRecordingIds: string[]): Promise<string[]>;
  /** A snapshot by its id, for node lookups of snapshots other than the latest. */
  getSnapshot?(vendorDeviceId: string, vendorSnapshotId: string): Promise<Snapshot | null>;

  /** Who else may use a device; absent where the vendor has no such notion. */
  readonly shares?: Shares;
  /** A stored history of snapshots per device (Evercam). */
  readonly snapshots?: SnapshotArchive;
  /** Adding, changing and removing cameras (Evercam). */
  readonly cameras?: CameraManagement;
  /** The camera makers and models the vendor knows, for adding cameras. */
  readonly catalog?: CameraCatalog;

  /** Fetches a MediaRef's bytes (or an HLS playlist to rewrite) with the source's credentials. */
  fetchMedia(ref: string, req: MediaRequest): Promise<MediaResponse>;

  /**
   * Polling sources: what a device gained between two polls that the device itself does not show (new
   * recordings, stored snapshots). Called per changed or active device; the source decides whether an
   * upstream read is worth it (e.g. only while a device records). Repeats are filtered by the caller.
   */
  newSince?(before: Device, after: Device): Promise<{ recordings?: Recording[]; snapshots?: Snapshot[] }>;

  /** Push sources: starts their feed while anyone listens; the returned function stops it. */
  watch?(listener: (event: SourceEvent) => void): () => void;
  /** Whether the push feed is up now (pollers slow down while it is). */
  pushing?(): boolean;

  close(): Promise<void>;
}
