/** Videoloft authenticator, logger and Wowza payloads, as ../shared/vendor-docs/videoloft.md shows them. */

export interface WireLoginResult {
  uid: number | string;
  authToken?: string;
  authenticator?: string;
  accountInfo?: { maxAge?: number; maxDevices?: number; type?: string };
  region?: string;
}

/** The document shows authToken/authenticator both inside `result` and beside it: accept either. */
export interface WireLogin {
  result?: WireLoginResult;
  authToken?: string;
  authenticator?: string;
}

export interface WireDeviceSummary {
  uidd: string;
  phonename?: string;
  /** "r" read only, "a" admin ("w" appears in viewerInfo) */
  permissions?: string[];
}

export interface WireViewerInfo extends WireDeviceSummary {
  wowza?: string;
  logger?: string;
  cloudRecordingEnabled?: number;
  appVersion?: string;
  deviceType?: string;
  streamname?: string;
  phoneid?: string;
}

export interface WireOwner<D> {
  devices?: Record<string, D>;
  alias?: string;
}

/** /devices and /devices/viewerInfo: devices grouped by owner uid, plus per-device errors. */
export interface WireDeviceTree<D> {
  result?: Record<string, WireOwner<D>>;
  errors?: Record<string, string>[];
}

export interface WireCameraStatus {
  uid?: string;
  uidd?: string;
  permissions?: string[];
  session?: number | null;
  live?: boolean;
  startt?: number;
  lastactivity?: number | null;
  /** seconds */
  lastthumb?: number | null;
  /** seconds */
  laststill?: number | null;
  wowza?: string;
  /** "live", "novideo" or "offline" */
  status?: string;
  lastalert?: number;
  battery?: number | null;
}

export interface WireAlert {
  alert?: number | string;
  id?: number | string;
  uid?: string;
  deviceid?: number | string;
  /** ms */
  startt: number;
  /** ms; the documents spell it endtt, enddt, endt and end */
  endtt?: number | null;
  enddt?: number | null;
  endt?: number | null;
  end?: number | null;
  rom?: number;
  smx?: string | null;
  aud?: string | null;
  tz?: number;
  type?: string;
  has_hdstill?: number;
}

/** One message of /cameras/realtime/live. */
export interface WireRealtime {
  type: 'liveSession' | 'alert' | string;
  data: WireCameraStatus & WireAlert;
}

export const TASK = {
  live: 'livecommand',
  trigger: 'triggerevent',
  thumb: 'capturethumb',
  still: 'capturestill',
  ptzStop: 'ptzstop',
} as const;

export const PTZ_DIRECTION = { UP: 'up', DOWN: 'down', LEFT: 'left', RIGHT: 'right', ZOOM_IN: 'in', ZOOM_OUT: 'out' } as const;
