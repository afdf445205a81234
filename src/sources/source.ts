import type { Readable } from 'node:stream';
import type { UpstreamError } from '../errors.js';
import type {
  CameraInput,
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
 */
export interface Source {
  readonly id: string;
  readonly vendor: Vendor;
  /** How often a poller should read this source while someone listens. */
  readonly pollIntervalMs: number;

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
  getRecording(vendorDeviceId: string, vendorRecordingId: string): Promise<Recording | null>;

  /**
   * Throws ValidationError (or NotSupportedError) for input the vendor would refuse. Sends no command; it
   * may read what the device allows (Magewell's ranges come from get-info).
   */
  validateCommand(vendorDeviceId: string, command: DeviceCommand): Promise<void>;
  execute(vendorDeviceId: string, command: DeviceCommand): Promise<CommandResult>;

  /** Adds a device by pairing code; returns its vendor id. Only sources with PAIRING. */
  pair?(pairingCode: string, name: string | null): Promise<string>;

  /** Who else may use a device; sources without the notion have none. */
  listShares?(vendorDeviceId: string): Promise<Share[]>;
  createShare?(vendorDeviceId: string, email: string, rights: ShareRight[]): Promise<Share>;
  deleteShare?(vendorDeviceId: string, vendorShareId: string): Promise<void>;

  /** Snapshot archives (Evercam): the newest, a page of a range (oldest first, after a snapshot id), the one
   * closest to a time, and which days of a month / hours of a day hold any. */
  latestSnapshot?(vendorDeviceId: string): Promise<Snapshot | null>;
  listSnapshots?(vendorDeviceId: string, q: { from: Date; to: Date; after: string | null; limit: number }): Promise<Snapshot[]>;
  closestSnapshot?(vendorDeviceId: string, at: Date, rangeSeconds: number | null): Promise<Snapshot | null>;
  snapshotDays?(vendorDeviceId: string, year: number, month: number): Promise<number[]>;
  snapshotHours?(vendorDeviceId: string, year: number, month: number, day: number): Promise<number[]>;
  deleteSnapshot?(vendorDeviceId: string, vendorSnapshotId: string): Promise<void>;
  /** A snapshot by its id, for node lookups of snapshots other than the latest. */
  getSnapshot?(vendorDeviceId: string, vendorSnapshotId: string): Promise<Snapshot | null>;

  /** Camera management (Evercam). Input is validated before anything is sent. */
  addCamera?(input: CameraInput): Promise<string>;
  updateCamera?(vendorDeviceId: string, input: CameraInput): Promise<void>;
  removeCamera?(vendorDeviceId: string): Promise<void>;

  /** The camera makers and models the vendor knows, for adding cameras. */
  catalog?: CameraCatalog;

  /** Deletes recordings of one device; returns the vendor recording ids deleted. Only with DELETE_RECORDINGS. */
  deleteRecordings?(vendorDeviceId: string, vendorRecordingIds: string[]): Promise<string[]>;

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
