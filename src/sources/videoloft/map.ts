import type { Capability, ConnectionState, Device, DeviceCommand, Recording, RecordingTrigger, Share, ShareRight, Snapshot, Stream } from '../../model.js';
import type { WireAlert, WireCameraStatus, WireDeviceTree, WireRealtime, WireViewerInfo } from './wire.js';

/** Every device of a /devices or /viewerInfo tree, with its owner's uid and alias. */
export function flattenTree<D extends { uidd: string }>(tree: WireDeviceTree<D>): { owner: string; alias: string | null; device: D }[] {
  const out: { owner: string; alias: string | null; device: D }[] = [];
  for (const [owner, entry] of Object.entries(tree.result ?? {})) {
    for (const d of Object.values(entry?.devices ?? {})) if (d && typeof d.uidd === 'string') out.push({ owner, alias: entry.alias ?? null, device: d });
  }
  return out;
}

/** The `errors` array: [{ "1.1": "Unauthorized" }] → uidd and reason. */
export function treeErrors(tree: { errors?: Record<string, string>[] }): { uidd: string; reason: string }[] {
  return (tree.errors ?? []).flatMap((e) => Object.entries(e ?? {}).map(([uidd, reason]) => ({ uidd, reason: String(reason) })));
}

/** /cameras/status entries by uidd (the status calls it `uid`). */
export function statusByUidd(tree: WireDeviceTree<WireCameraStatus & { uidd?: string }>): Map<string, WireCameraStatus> {
  const out = new Map<string, WireCameraStatus>();
  for (const entry of Object.values(tree.result ?? {})) {
    for (const d of Object.values(entry?.devices ?? {})) {
      const id = d?.uidd ?? d?.uid;
      if (id) out.set(String(id), d);
    }
  }
  return out;
}

export function mapConnection(status: string | undefined): ConnectionState {
  if (status === 'live' || status === 'novideo') return status === 'live' ? 'ONLINE' : 'OFFLINE';
  if (status === 'offline') return 'OFFLINE';
  return 'UNKNOWN';
}

/** Only admin ("a") or write ("w") lets a user control a camera; "r" is read only. */
export function canControl(permissions: string[] | undefined): boolean {
  return !!permissions?.some((p) => p === 'a' || p === 'w');
}

/** Watching live video is open to read-only users (document §1.1.5); trigger, capture, PTZ and settings are control. */
const VIEWING: ReadonlySet<DeviceCommand['type']> = new Set(['startStream', 'stopStream']);

export function mayRun(command: DeviceCommand['type'], permissions: string[] | undefined): boolean {
  return VIEWING.has(command) || canControl(permissions);
}

/** PTZ works only on Hikvision cameras (the document); their model ids (phoneid) start with "DS-". */
export function hasPtz(info: WireViewerInfo | undefined): boolean {
  return !!info?.phoneid?.startsWith('DS-');
}

export function capabilitiesFor(info: WireViewerInfo | undefined): Capability[] {
  const caps: Capability[] = ['LIVE_STREAM', 'SNAPSHOT_CAPTURE', 'TRIGGER_EVENT'];
  if (hasPtz(info)) caps.push('PTZ');
  return caps;
}

/** Media refs say what to fetch; the source adds the token in the form each server wants. */
export const ref = {
  thumb: (uidd: string, time: number) => `getthumb:${uidd}/${time}`,
  still: (uidd: string, time: number) => `getstill:${uidd}/${time}`,
  alertThumb: (uidd: string, id: string) => `alertthumb:${uidd}/${id}`,
  alertVideo: (kind: 'hls' | 'mp4', uidd: string, a: { id: string; startS: number; endS: number; rom: number }) =>
    `alert${kind}:${uidd}/${a.id}/${a.startS}/${a.endS}/${a.rom}`,
  live: (uidd: string) => `live:${uidd}`,
};

function alertEnd(a: WireAlert): number | null {
  const end = a.endtt ?? a.enddt ?? a.endt ?? a.end;
  return typeof end === 'number' && end > 0 ? end : null;
}

export function alertId(a: WireAlert): string | null {
  const id = a.alert ?? a.id;
  return id === undefined || id === null ? null : String(id);
}

function trigger(a: WireAlert): RecordingTrigger {
  if (a.rom === 0) return 'CONTINUOUS';
  if (a.type === 'motion') return 'MOTION';
  if (a.type === 'audio') return 'AUDIO';
  return 'UNKNOWN';
}

/** smx / aud: a hex magnitude from "00" to "0a", as a share of the most (0..1). */
function magnitude(hex: string | null | undefined): number | null {
  if (typeof hex !== 'string' || !/^[0-9a-f]{1,2}$/i.test(hex)) return null;
  return Math.min(parseInt(hex, 16), 10) / 10;
}

/** tz: the camera's offset from UTC in hours, either sign (possibly a fraction, e.g. 5.5). */
function utcOffsetMinutes(tz: number | null | undefined): number | null {
  return typeof tz === 'number' && Number.isFinite(tz) && Math.abs(tz) <= 14 ? Math.round(tz * 60) : null;
}

export function mapAlert(sourceId: string, uidd: string, a: WireAlert): Recording | null {
  const id = alertId(a);
  if (!id || typeof a.startt !== 'number') return null;
  const end = alertEnd(a);
  const video = { id, startS: Math.floor(a.startt / 1000), endS: Math.ceil((end ?? a.startt) / 1000), rom: a.rom ?? 1 };
  return {
    sourceId,
    deviceVendorId: uidd,
    vendorRecordingId: id,
    startedAt: new Date(a.startt),
    endedAt: end ? new Date(end) : null,
    durationSeconds: end ? (end - a.startt) / 1000 : null,
    status: end ? 'READY' : 'IN_PROGRESS',
    trigger: trigger(a),
    sizeBytes: null,
    width: null,
    height: null,
    frameRate: null,
    codec: 'H.264',
    thumbnail: { sourceId, ref: ref.alertThumb(uidd, id) },
    hls: end ? { sourceId, ref: ref.alertVideo('hls', uidd, video) } : null,
    mp4: end ? { sourceId, ref: ref.alertVideo('mp4', uidd, video) } : null,
    download: end ? { sourceId, ref: ref.alertVideo('mp4', uidd, video) } : null,
    segments: [],
    motionLevel: magnitude(a.smx),
    audioLevel: magnitude(a.aud),
    utcOffsetMinutes: utcOffsetMinutes(a.tz),
    // has_hdstill and the rest have no unified field; an alert carries no secret
    vendorData: a,
  };
}

/** /alert answers an array, or an object holding one. */
export function alertList(body: unknown): WireAlert[] {
  if (Array.isArray(body)) return body as WireAlert[];
  if (body && typeof body === 'object') {
    for (const key of ['result', 'alerts', 'data']) {
      const v = (body as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as WireAlert[];
    }
  }
  return [];
}

function snapshot(sourceId: string, uidd: string, size: 'THUMB' | 'STILL', time: number): Snapshot {
  return {
    sourceId,
    deviceVendorId: uidd,
    vendorSnapshotId: `${size === 'THUMB' ? 'thumb' : 'still'}-${time}`,
    takenAt: new Date(time * 1000),
    media: { sourceId, ref: size === 'THUMB' ? ref.thumb(uidd, time) : ref.still(uidd, time) },
    size,
    width: size === 'THUMB' ? 256 : 640,
    height: size === 'THUMB' ? 144 : 360,
    notes: null,
  };
}

/** The newer of the last thumb and the last still. */
export function latestSnapshot(sourceId: string, uidd: string, s: WireCameraStatus | undefined): Snapshot | null {
  const thumb = s?.lastthumb ?? 0;
  const still = s?.laststill ?? 0;
  if (!thumb && !still) return null;
  return still > thumb ? snapshot(sourceId, uidd, 'STILL', still) : snapshot(sourceId, uidd, 'THUMB', thumb);
}

export function snapshotAt(sourceId: string, uidd: string, size: 'THUMB' | 'STILL', time: number): Snapshot {
  return snapshot(sourceId, uidd, size, time);
}

export function liveStream(sourceId: string, uidd: string, live: boolean, keepAliveUntil: Date | null, since: Date | null): Stream {
  return {
    sourceId,
    deviceVendorId: uidd,
    vendorStreamId: 'live',
    protocol: 'HLS',
    direction: 'PLAYBACK',
    state: live ? 'LIVE' : keepAliveUntil ? 'STARTING' : 'IDLE',
    url: null,
    media: { sourceId, ref: ref.live(uidd) },
    bitrateKbps: null,
    health: null,
    startedAt: live ? since : null,
    keepAliveUntil,
  };
}

export interface CameraParts {
  sourceId: string;
  owner: string;
  alias: string | null;
  info: WireViewerInfo;
  status: WireCameraStatus | undefined;
  keepAliveUntil: Date | null;
}

export function mapCamera(p: CameraParts): Device {
  const uidd = p.info.uidd;
  const s = p.status;
  const live = Boolean(s?.live);
  return {
    sourceId: p.sourceId,
    vendor: 'VIDEOLOFT',
    vendorDeviceId: uidd,
    name: p.info.phonename || uidd,
    model: p.info.phoneid ?? p.info.deviceType ?? null,
    kind: 'CAMERA',
    connection: mapConnection(s?.status),
    isRecording: null,
    isStreaming: live,
    lastSeenAt: s?.lastactivity ? new Date(s.lastactivity) : null,
    capabilities: capabilitiesFor(p.info),
    firmware: p.info.appVersion ? { version: p.info.appVersion, updateAvailable: null, updateInProgress: false, progressPercent: null } : null,
    settings: null,
    signal: null,
    storage: [],
    streams: [liveStream(p.sourceId, uidd, live, p.keepAliveUntil, s?.startt ? new Date(s.startt) : null)],
    latestSnapshot: latestSnapshot(p.sourceId, uidd, s),
    vendorData: { owner: p.owner, alias: p.alias, info: p.info, status: s ?? null },
  };
}

const RIGHTS: Record<string, ShareRight> = { r: 'VIEW', w: 'EDIT', a: 'ADMIN' };

/** What the logged-in user may do on another owner's camera, as an account-access share. */
export function accessShare(sourceId: string, uidd: string, me: string, owner: string, permissions: string[] | undefined): Share[] {
  if (owner === me) return [];
  const rights = [...new Set((permissions ?? []).map((p) => RIGHTS[p]).filter((r): r is ShareRight => !!r))];
  return [{ sourceId, deviceVendorId: uidd, vendorShareId: me, grantee: me, kind: 'ACCOUNT_ACCESS', rights, createdAt: null }];
}

/** A realtime message longer than the parser's bound: the connection is dropped rather than buffer it. */
export class RealtimeOverflowError extends Error {
  constructor(readonly limit: number) {
    super(`realtime message longer than ${limit} bytes`);
    this.name = 'RealtimeOverflowError';
  }
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;

/**
 * Splits a realtime body into messages as it streams: SSE-style `data:` lines or bare JSON objects, either of
 * which may arrive cut across chunks. Every byte is looked at once (the state of an unfinished message is
 * kept, never rescanned), and one message may hold at most `maxMessageBytes`. Scanning bytes is safe: the
 * bytes of {, }, " and \ never occur inside a multi-byte UTF-8 character.
 */
export class RealtimeParser {
  /** The unfinished message so far. */
  private parts: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(readonly maxMessageBytes: number) {}

  /** Bytes held for the message being read. */
  get buffered(): number {
    return this.size;
  }

  /** The complete messages this chunk ends; throws RealtimeOverflowError once a message outgrows the bound. */
  push(chunk: Buffer): WireRealtime[] {
    const messages: WireRealtime[] = [];
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.depth === 0) {
        if (b !== OPEN) continue;
        start = i;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
      } else if (b === QUOTE) this.inString = true;
      else if (b === OPEN) this.depth++;
      else if (b === CLOSE && --this.depth === 0) {
        const piece = chunk.subarray(start, i + 1);
        this.hold(piece.length);
        const text = Buffer.concat([...this.parts, piece]).toString('utf8');
        this.parts = [];
        this.size = 0;
        start = -1;
        const msg = toMessage(text);
        if (msg) messages.push(msg);
      }
    }
    if (this.depth > 0) {
      const rest = chunk.subarray(start);
      this.hold(rest.length);
      this.parts.push(rest);
    }
    return messages;
  }

  private hold(bytes: number): void {
    this.size += bytes;
    if (this.size > this.maxMessageBytes) throw new RealtimeOverflowError(this.maxMessageBytes);
  }
}

/** Either {type, data} or the document's `"data": {type, data}` shape with its outer key; anything else is skipped. */
function toMessage(text: string): WireRealtime | null {
  try {
    const obj = JSON.parse(text) as Record<string, unknown>;
    const msg = (typeof obj.type === 'string' ? obj : obj.data) as WireRealtime | undefined;
    return msg && typeof msg.type === 'string' && msg.data ? msg : null;
  } catch {
    return null;
  }
}
