import type { CameraInput, CameraTestResult, Capability, Device, Share, ShareRight, Snapshot } from '../../model.js';
import type { WireCamera, WireCameraTest, WireShare, WireSnapshot } from './wire.js';
import { isTimeZone } from '../wall-clock.js';

/** Replies wrap presenters in {cameras: [...]}, {snapshots: [...]} ...; accept that, a bare array or a bare object. */
export function unwrap<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const v = (body as Record<string, unknown>)[key];
    if (Array.isArray(v)) return v as T[];
    if (v && typeof v === 'object') return [v as T];
  }
  return [];
}

export const CAPABILITIES: Capability[] = ['SNAPSHOT_CAPTURE', 'SHARE'];

/** The camera without its credentials: vendorData may show hosts and ports, never cam_username/cam_password. */
export function publicCamera(c: WireCamera): Omit<WireCamera, 'cam_username' | 'cam_password'> {
  const { cam_username: _u, cam_password: _p, ...rest } = c;
  return rest;
}

export const ref = {
  stored: (cameraId: string, ts: number) => `snapshot:${cameraId}/${ts}`,
  live: (cameraId: string) => `jpg:${cameraId}`,
};

export function mapCamera(sourceId: string, c: WireCamera): Device {
  return {
    sourceId,
    vendor: 'EVERCAM',
    vendorDeviceId: c.id,
    name: c.name || c.id,
    model: [c.vendor, c.model].filter(Boolean).join(' ') || null,
    kind: 'CAMERA',
    connection: c.is_online === true ? 'ONLINE' : c.is_online === false ? 'OFFLINE' : 'UNKNOWN',
    isRecording: null,
    isStreaming: null,
    lastSeenAt: c.last_online_at ? new Date(c.last_online_at * 1000) : null,
    capabilities: CAPABILITIES,
    firmware: null,
    settings: null,
    signal: null,
    storage: [],
    streams: [],
    latestSnapshot: null,
    liveSnapshot: { sourceId, ref: ref.live(c.id) },
    // a zone the runtime does not know is no zone (a client computes with it)
    timeZone: c.timezone && isTimeZone(c.timezone) ? c.timezone : null,
    vendorData: publicCamera(c),
  };
}

export function mapSnapshot(sourceId: string, cameraId: string, s: WireSnapshot): Snapshot {
  return {
    sourceId,
    deviceVendorId: cameraId,
    vendorSnapshotId: String(s.created_at),
    takenAt: new Date(s.created_at * 1000),
    media: { sourceId, ref: ref.stored(cameraId, s.created_at) },
    size: 'FULL',
    width: null,
    height: null,
    notes: s.notes ?? null,
  };
}

const RIGHT: Record<string, ShareRight> = {
  view: 'VIEW',
  snapshot: 'SNAPSHOT',
  list: 'LIST',
  edit: 'EDIT',
  delete: 'DELETE',
  grant: 'ADMIN',
};
const WIRE_RIGHT = Object.fromEntries(Object.entries(RIGHT).map(([k, v]) => [v, k])) as Record<ShareRight, string>;

export function mapShare(sourceId: string, s: WireShare): Share {
  return {
    sourceId,
    deviceVendorId: s.camera_id,
    vendorShareId: String(s.id),
    grantee: s.email ?? (s.user_id !== undefined ? String(s.user_id) : null),
    kind: s.kind === 'public' ? 'PUBLIC' : 'PRIVATE',
    rights: [...new Set(s.rights.split(',').map((r) => RIGHT[r.trim().toLowerCase()]).filter((r): r is ShareRight => !!r))],
    createdAt: null,
  };
}

export function rightsParam(rights: ShareRight[]): string {
  return [...new Set(rights.map((r) => WIRE_RIGHT[r]))].join(',');
}

/** Decodes the `data` of a snapshot fetched with_data: a data URI (or bare base64) of the image. */
export function decodeImage(data: string): { contentType: string; bytes: Buffer } | null {
  const m = data.match(/^data:([^;,]+)(;base64)?,(.*)$/s);
  if (m) return { contentType: m[1]!, bytes: m[2] ? Buffer.from(m[3]!, 'base64') : Buffer.from(decodeURIComponent(m[3]!)) };
  return /^[A-Za-z0-9+/=\s]+$/.test(data) ? { contentType: 'image/jpeg', bytes: Buffer.from(data, 'base64') } : null;
}

const HOST = /^(?=.{1,253}$)(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)*(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * CameraInput as Evercam parameters, checked first; the first problem names its field. `creating` requires
 * what POST /cameras requires (a name).
 */
export function cameraParams(input: CameraInput, creating: boolean): { ok: Record<string, string | number | boolean> } | { field: string; message: string } {
  const out: Record<string, string | number | boolean> = {};
  if (input.name != null) {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 64) return { field: 'name', message: 'name must be 1 to 64 characters' };
    out.name = name;
  } else if (creating) return { field: 'name', message: 'a new camera needs a name' };
  if (input.isPublic != null) out.is_public = input.isPublic;
  else if (creating) out.is_public = false;
  if (input.externalHost != null) {
    const h = input.externalHost.trim();
    if (!(HOST.test(h) || IPV4.test(h))) return { field: 'externalHost', message: 'externalHost must be a host name or IPv4 address, without scheme, port or path' };
    out.external_host = h;
  }
  for (const [field, key] of [['externalHttpPort', 'external_http_port'], ['externalRtspPort', 'external_rtsp_port']] as const) {
    const v = input[field];
    if (v == null) continue;
    if (!Number.isInteger(v) || v < 1 || v > 65535) return { field, message: `${field} must be a port from 1 to 65535` };
    out[key] = v;
  }
  if (input.jpgUrl != null) {
    const p = input.jpgUrl.trim();
    if (!/^\/[^\s?#]*(\?[^\s#]*)?$/.test(p) || p.includes('..')) return { field: 'jpgUrl', message: 'jpgUrl must be the snapshot path on the camera, starting with "/"' };
    out.jpg_url = p;
  }
  if (input.username != null) {
    if (input.username.length > 128) return { field: 'username', message: 'username is at most 128 characters' };
    out.cam_username = input.username;
  }
  if (input.password != null) {
    if (input.password.length > 128) return { field: 'password', message: 'password is at most 128 characters' };
    out.cam_password = input.password;
  }
  if (Object.keys(out).length === 0) return { field: 'input', message: 'nothing to change was given' };
  return { ok: out };
}

/** A camera id Evercam accepts, from its name plus a short random suffix. */
export function newCameraId(name: string, suffix: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'camera';
  return `${base}-${suffix}`;
}

/**
 * GET /cameras/test's parameters (all four required by the document): the camera as Evercam is to reach it,
 * http://host:port (port 80 unless given) and the snapshot path, with its credentials (empty when it has none).
 */
export type CameraTestParams = { external_url: string; jpg_url: string; cam_username: string; cam_password: string };

export function cameraTestParams(input: CameraInput): { ok: CameraTestParams } | { field: string; message: string } {
  if (input.externalHost == null) return { field: 'externalHost', message: 'a camera test needs externalHost' };
  if (input.jpgUrl == null) return { field: 'jpgUrl', message: 'a camera test needs jpgUrl, the snapshot path on the camera' };
  const p = cameraParams(input, false);
  if ('field' in p) return p;
  return {
    ok: {
      external_url: `http://${p.ok.external_host}:${p.ok.external_http_port ?? 80}`,
      jpg_url: String(p.ok.jpg_url),
      cam_username: String(p.ok.cam_username ?? ''),
      cam_password: String(p.ok.cam_password ?? ''),
    },
  };
}

/**
 * A camera test's outcome, or null for a reply that is none. The document lists no responses; these are
 * Evercam v1's: 200 with the picture; 403 "Please check camera username and password" when the camera refused
 * them; 503 "Camera offline" when it could not be reached or gave no picture (504 when a gateway gave up on it).
 * `said` makes the vendor's words safe to pass on.
 */
export function mapCameraTest(status: number, body: WireCameraTest | undefined, said: (text: string) => string): CameraTestResult | null {
  const reason = typeof body?.message === 'string' ? said(body.message) : null;
  if (status >= 200 && status < 300) return body?.status === 'ok' || typeof body?.data === 'string' ? { ok: true, problem: null, reason: null } : null;
  if (status === 403) return { ok: false, problem: 'CREDENTIALS_REFUSED', reason };
  if (status === 503 || status === 504) return { ok: false, problem: 'UNREACHABLE', reason };
  return null;
}
