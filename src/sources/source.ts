import type { Readable } from 'node:stream';
import type { Capability, Device, DeviceCommand, Recording, Snapshot, SourceHealth, TimeRange, Vendor } from '../model.js';
import type { UpstreamResponse } from './http.js';

export interface MediaRequest {
  /** Forwarded Range header, for seeking in video. */
  range?: string;
}

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
  listDevices(): Promise<Device[]>;
  getDevice(vendorDeviceId: string): Promise<Device | null>;

  /**
   * Capabilities a device has, known without an upstream call, so unsupported mutations are refused
   * before anything is sent.
   */
  capabilitiesOf(vendorDeviceId: string): Capability[];

  listRecordings(vendorDeviceId: string, range: TimeRange): Promise<Recording[]>;
  getRecording(vendorDeviceId: string, vendorRecordingId: string): Promise<Recording | null>;

  /** Throws ValidationError for input the vendor would refuse; never calls upstream. */
  validateCommand(vendorDeviceId: string, command: DeviceCommand): void;
  execute(vendorDeviceId: string, command: DeviceCommand): Promise<CommandResult>;

  /** Adds a device by pairing code; returns its vendor id. Only sources with PAIRING. */
  pair?(pairingCode: string, name: string | null): Promise<string>;

  /** Fetches a MediaRef's bytes with the source's credentials. */
  fetchMedia(ref: string, req: MediaRequest): Promise<UpstreamResponse<Readable>>;

  close(): Promise<void>;
}
