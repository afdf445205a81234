import { pathSegment, vendorUrlPath } from '../path.js';

/** Epiphan Cloud / AV Studio v2 API payloads, as the vendor documents show them. */

export interface WireRtmp {
  url: string;
  /** actual upload speed / bitrate; below 1.0 means not enough bandwidth */
  speed: number;
  bitrate: number;
  sent: { frames: number; bytes: number };
}

export interface WireAfu {
  /** seconds of stored footage */
  queue_duration: number;
  /** bytes of stored footage */
  queue_size: number;
  speed: number;
  /** true when uploading is enabled */
  state: boolean;
}

export interface WireSettings {
  resolution?: string;
  bitrate?: number | string;
  chunk_duration?: number | string;
}

export interface WireTelemetry {
  settings?: WireSettings;
  state?: { rtmp?: WireRtmp | null; afu?: WireAfu | null };
}

export interface WireDevice {
  Id: string;
  Name: string;
  Model: string;
  Status: string;
  /** "on", "off" or "unknown" */
  Recording: string | boolean;
  /** UNIX seconds */
  StateTime: number;
  SnapshotURL: string;
  IsUnpaired: boolean;
  Telemetry: WireTelemetry;
}

export interface WireChunk {
  Start: number;
  End: number;
  Url: string;
}

export interface WireStatusReply {
  Status: string;
  StatusCode: number;
  ID?: string;
  Message?: string;
}

/** The setparam parameters: the documents list these three; a device lists its own in Telemetry/settings. */
export const SETPARAMS = ['resolution', 'bitrate', 'chunk_duration'] as const;
export type Setparam = (typeof SETPARAMS)[number];

/** Values a model accepts, as far as the documents say: null where they say nothing. */
export interface SetparamLimits {
  resolutions: readonly string[] | null;
  maxBitrateKbps: number | null;
  chunkDurationSeconds: readonly [number, number] | null;
}

/** "Epiphan Webcaster X2's support the following parameters": the only model the documents give values for. */
export const WEBCASTER_X2_LIMITS: SetparamLimits = {
  resolutions: ['1920x1080', '1280x720', '640x360', '320x180'],
  maxBitrateKbps: 4000,
  chunkDurationSeconds: [10, 3600],
};

/** Any other model: no documented values, so the device's own answer decides. */
export const UNDOCUMENTED_LIMITS: SetparamLimits = { resolutions: null, maxBitrateKbps: null, chunkDurationSeconds: null };

/** Upstream paths; every id in them is checked (no "..", no separators) before anything is sent. */
export const paths = {
  devices: '/front/api/v2/devices',
  device: (id: string) => `/front/api/v2/devices/${pathSegment(id, 'deviceId')}`,
  task: (id: string) => `/front/api/v2/devices/${pathSegment(id, 'deviceId')}/task`,
  timeline: (id: string, from: number, to: number) =>
    `/front/api/v2/devices/${pathSegment(id, 'deviceId')}/thumbnails?from=${from}&to=${to}`,
  media: (chunkUrl: string) => `/front/api/v2/media/${vendorUrlPath(chunkUrl, 'chunk')}`,
  snapshot: (id: string) => `/front/api/v1/devices/${pathSegment(id, 'deviceId')}/state.jpg`,
  me: '/front/api/v2/users/me',
};
