import type { Readable } from 'node:stream';
import type { UpstreamError } from '../errors.js';
import type { Capability, Device, DeviceCommand, Recording, Share, Snapshot, SourceHealth, TimeRange, Vendor } from '../model.js';
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

  /** Deletes recordings of one device; returns the vendor recording ids deleted. Only with DELETE_RECORDINGS. */
  deleteRecordings?(vendorDeviceId: string, vendorRecordingIds: string[]): Promise<string[]>;

  /** Fetches a MediaRef's bytes (or an HLS playlist to rewrite) with the source's credentials. */
  fetchMedia(ref: string, req: MediaRequest): Promise<MediaResponse>;

  /** Push sources: starts their feed while anyone listens; the returned function stops it. */
  watch?(listener: (event: SourceEvent) => void): () => void;
  /** Whether the push feed is up now (pollers slow down while it is). */
  pushing?(): boolean;

  close(): Promise<void>;
}
