/** Magewell Ultra Stream usapi payloads and constants, as ../shared/vendor-docs/magewell-ultra-stream.txt gives them. */

/** API Status Codes: `result` of every reply; 0 is success, anything else is a state or an error. */
export const RESULT_NAMES: Record<number, string> = {
  31: 'retSendWaiting', 30: 'retLivingAuthErr', 29: 'retLivingNotset', 28: 'retLivingDNS', 27: 'retInit',
  25: 'retLivingAuthing', 24: 'retLivingWaiting', 23: 'retLivingConnecting', 22: 'retLivingConnected',
  21: 'retPushReboot', 20: 'retAudioSignalChange', 19: 'retBlueWrite', 18: 'retBlueRead', 17: 'retBlueShutDown',
  16: 'retDiskOn', 15: 'retDiskOff', 14: 'retDiskChange', 13: 'retSnapshotOver', 12: 'retPushReset',
  11: 'retPushLiving', 10: 'retPushRecord', 9: 'retSignalChange', 8: 'retRouteChange', 7: 'retIPChange',
  6: 'retNetChange', 5: 'retCancel', 4: 'retLowSpace', 3: 'retLowSpeed', 2: 'retRunning', 1: 'retRepeat',
  0: 'retSucceed', [-1]: 'errPasswd', [-2]: 'errOccupied', [-3]: 'errDisconnect', [-4]: 'errDevice',
  [-5]: 'errDisk', [-6]: 'errUnconnect', [-7]: 'errKey', [-8]: 'errVersion', [-9]: 'errBusy', [-10]: 'errParam',
  [-11]: 'errUsage', [-12]: 'errTimeout', [-13]: 'errIP', [-14]: 'errNotFound', [-15]: 'errFile',
  [-16]: 'errNoSpace', [-17]: 'errNeedAuth', [-18]: 'errSystem', [-19]: 'errDiskSpeed', [-20]: 'errEmpty',
  [-21]: 'errNetwork', [-22]: 'errEvent', [-23]: 'errCodec', [-24]: 'errBlue', [-25]: 'errNoUser',
  [-26]: 'errNoPermissin', [-27]: 'errSameName', [-28]: 'errString', [-29]: 'errChannelsLimited',
  [-30]: 'err8MLimited', [-31]: 'errFacebookLimited', [-32]: 'errCodecLimited', [-33]: 'err4GLimited',
  [-34]: 'errMWFUnsupported', [-35]: 'errNoSignal', [-36]: 'errSDCard', [-37]: 'errXinYueServer',
  [-38]: 'errAliYunOSS', [-39]: 'errSDNoSpace', [-40]: 'errSDNoPermission', [-41]: 'errRTSPLimited',
  [-42]: 'errRTSP8MLimited', [-43]: 'errLockLiving', [-52]: 'errRecParam', [-53]: 'errLiveParam',
  [-100]: 'errFTPServer',
};

export const RESULT = {
  succeed: 0,
  running: 2,
  init: 27,
  livingConnected: 22,
  livingConnecting: 23,
  livingWaiting: 24,
  livingAuthing: 25,
  livingDNS: 28,
  livingNotset: 29,
  livingAuthErr: 30,
  repeat: 1,
  errPasswd: -1,
  errOccupied: -2,
  errDisk: -5,
  errVersion: -8,
  errBusy: -9,
  errParam: -10,
  errNotFound: -14,
  errTimeout: -12,
  errNeedAuth: -17,
  errChannelsLimited: -29,
  err8MLimited: -30,
  errSameName: -27,
  errString: -28,
  err4GLimited: -33,
  errNoSignal: -35,
  errRecParam: -52,
  errLiveParam: -53,
  /** login's own "username or password is incorrect" */
  loginRefused: 36,
} as const;

/** Device Status Mask bits of `cur-status`. */
export const STATUS = {
  first: 0x01,
  record: 0x02,
  living: 0x04,
  stream: 0x08,
  diskReady: 0x10,
  rtmpReady: 0x20,
  softAP: 0x40,
  mic: 0x100,
  phone: 0x200,
  output: 0x400,
  diskTest: 0x1000,
  blue: 0x2000,
  upgrade: 0x4000,
  netTest: 0x8000,
  passwd: 0x10000,
  occupied: 0x20000,
  formatDisk: 0x100000,
  formatSD: 0x200000,
  searchWifi: 0x400000,
  connectWifi: 0x800000,
  connectBlue: 0x1000000,
  checkUpgrade: 0x2000000,
  reset: 0x4000000,
  ipv6: 0x8000000,
  testLock: 0x10000000,
  reboot: 0x20000000,
  sendTest: 0x40000000,
} as const;

/** disk-status of usb / sd. */
export const DISK = { notDisk: 0x00, valid: 0x01, notSpace: 0x03, notWrite: 0x04, lowSpace: 0x05, invalid: 0x06 } as const;

/**
 * Steps of an online update as upgrade-status counts them (its percent is of the current step): the download,
 * then the write. The document names no count; a manual update (mode "upload") has the file already and only writes.
 */
export const ONLINE_UPDATE_STEPS = 2;

/** The clock's zone when get-settings names none: the document's default. */
export const DEFAULT_TIME_ZONE = 'UTC';

export const SERVER_TYPE = { rtmp: 0, twitch: 1, youtube: 2, facebook: 3, rtsp: 100 } as const;
export const DISK_TYPE = { usb: 0, sd: 1 } as const;
export const USER_TYPE = { admin: 1, general: 2 } as const;

export interface NamedValue {
  name: string;
  value: number;
}

export interface WireInfo {
  result: number;
  'mac-addr'?: Record<string, string>;
  snapshot?: string;
  product: {
    sn: string;
    'product-id'?: number;
    'hardware-ver'?: string;
    'firmware-ver-s'?: string;
    'factory-firmware-ver-s'?: string;
    'product-name'?: string;
    'module-name'?: string;
    'manu-name'?: string;
    'max-lock-count'?: number;
  };
  'codec-cap'?: {
    resolutions?: { w: number; h: number }[];
    durations?: NamedValue[];
    profile?: NamedValue[];
    'hevc-profile'?: NamedValue[];
    'video-kbps'?: NamedValue[];
    'audio-kbps'?: NamedValue[];
    'gop-sec'?: NamedValue[];
    'video-range'?: NamedValue[];
    'stat-sec'?: NamedValue[];
    'video-codec'?: NamedValue[];
  };
  'rec-control'?: { 'usb-option'?: NamedValue[]; 'sd-option'?: NamedValue[]; 'time-unit'?: NamedValue[]; 'file-ext'?: NamedValue[] };
}

export interface WireDisk {
  'disk-status': number;
  'total-size': number;
  'used-size': number;
  'free-size': number;
  'file-count'?: number;
}

export interface WireLiveStatus {
  result: number;
  'run-ms'?: number;
  'cur-bps'?: number;
  'avg-bps'?: number;
  net?: number;
  result2?: number;
  'cur-bps2'?: number;
  net2?: number;
}

export interface WireStatus {
  result: number;
  'cur-status': number;
  'cur-time'?: string;
  'box-name'?: string;
  'rec-status'?: { result: number; 'run-ms'?: number; 'cur-bps'?: number; 'avg-bps'?: number };
  'live-status'?: WireLiveStatus;
  'upgrade-status'?: { step?: number; percent?: number; result: number; mode?: string };
  'check-upgrade'?: { result: number };
  /** The one USB / SD format at a time: 27 idle, 2 formatting, 0 done, negative failed (until clear-format-usb/-sd). */
  'format-status'?: { result: number; percent?: number };
  'input-signal'?: {
    status?: number;
    cx?: number;
    cy?: number;
    interlaced?: number;
    'frame-rate'?: number;
    'sample-rate'?: number;
  };
  usb?: WireDisk;
  sd?: WireDisk;
  upgrade?: { ver?: string; date?: string; 'size-byte'?: number };
}

export interface WireStreamServer {
  id: number;
  type: number;
  url?: string;
  key?: string;
  'is-auth'?: number;
  user?: string;
  passwd?: string;
  'is-use': number;
  token?: string;
  'net-mode'?: number;
  name?: string;
  port?: number;
}

export interface WireVideoStream {
  'is-auto'?: number;
  codec?: number;
  cx: number;
  cy: number;
  duration: number;
  kbps: number;
  gop: number;
  fourcc?: number;
  profile?: number;
  cbrstat?: number;
  fullrange?: number;
}

export interface WireSettings {
  result: number;
  name?: string;
  'rec-control'?: { 'mime-type'?: number; 'usb-option'?: number; 'sd-option'?: number; 'root-folder'?: string; 'time-unit'?: number };
  'main-stream'?: WireVideoStream;
  'sub-stream'?: WireVideoStream;
  'live-stream'?: number;
  /** The encoder's clock: an IANA zone ("Asia/Shanghai") in which every time it reports is local. */
  'date-time'?: { timezone?: string; 'is-auto'?: number };
  audio?: { 'sample-rate'?: number; channels?: number; kbps?: number };
  'stream-server'?: WireStreamServer[];
  [key: string]: unknown;
}

export interface WireMediaFile {
  name: string;
  'thumbnail-name'?: string;
  /** 0 recording, 1 normal, 2 error, 3 lost */
  status: number;
  /** In the encoder's own time zone (get-settings date-time), without an offset. */
  'create-time': string;
  'size-bytes'?: number;
  /** The document says seconds; its example (4 MB, 1280x720) only fits milliseconds, and devices report ms. */
  duration?: number;
  width?: number;
  height?: number;
  /** frame rate = 10000000 / interval */
  interval?: number;
  /** 0 H.264, 1 HEVC */
  codec?: number;
}

export interface WireMediaFiles {
  result: number;
  path?: string;
  thumbnail?: string;
  'media-files'?: WireMediaFile[];
}

export interface WireUsers {
  result: number;
  users?: { id: string; type: number }[];
}

/** Setting keys that hold secrets; removed before vendorData leaves the source. */
export const SECRET_KEYS = ['key', 'passwd', 'token', 'softap-passwd', 'access-token', 'refresh-token', 'user'];
