import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EvercamSourceConfig } from '../../config.js';
import { NotFoundError, NotSupportedError, ValidationError } from '../../errors.js';
import type { Capability, Device, DeviceCommand, Recording, Snapshot } from '../../model.js';
import { learnSecret } from '../../secrets.js';
import { HttpBackedSource } from '../http-source.js';
import { HttpClient, type UpstreamRequest } from '../http.js';
import { pathSegment } from '../path.js';
import { vendorText } from '../redact.js';
import type {
  CameraCatalog,
  CameraManagement,
  CameraModel,
  CameraVendor,
  CommandResult,
  FleetRead,
  MediaRequest,
  MediaResponse,
  Shares,
  SnapshotArchive,
  Source,
} from '../source.js';
import {
  CAPABILITIES,
  cameraParams,
  cameraTestParams,
  decodeImage,
  mapCamera,
  mapCameraTest,
  mapShare,
  mapSnapshot,
  newCameraId,
  rightsParam,
  unwrap,
} from './map.js';
import type { WireCamera, WireCameraTest, WireModel, WireShare, WireSnapshot, WireVendor } from './wire.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An Evercam account: its cameras, their snapshot archives and shares, and the vendor/model catalogue. */
export class EvercamSource extends HttpBackedSource implements Source {
  readonly id: string;
  readonly vendor = 'EVERCAM' as const;
  readonly pollIntervalMs: number;
  readonly http: HttpClient;
  private readonly base: string;
  private readonly auth: { query: Record<string, string>; headers: Record<string, string> };
  private readonly userId: string;
  private readonly secrets: string[];

  constructor(opts: { config: EvercamSourceConfig; http?: { retryBaseMs?: number; breakerCooldownMs?: number } }) {
    super();
    const c = opts.config;
    this.id = c.id;
    this.pollIntervalMs = c.pollIntervalMs ?? 5_000;
    this.base = c.baseUrl;
    this.userId = c.userId ?? c.username ?? c.apiId!;
    const basic = Buffer.from(`${c.username}:${c.password}`).toString('base64');
    this.auth =
      c.apiId && c.apiKey
        ? { query: { api_id: c.apiId, api_key: c.apiKey }, headers: {} }
        : { query: {}, headers: { authorization: `Basic ${basic}` } };
    // redact() covers their URL-encoded forms too; the Basic credentials are one more form of the password.
    this.secrets = [c.apiKey, c.password, c.password && basic].filter((s): s is string => !!s && s.length >= 4);
    this.http = new HttpClient({ sourceId: c.id, vendor: 'EVERCAM', timeoutMs: c.timeoutMs, secrets: this.secrets, ...opts.http });
  }

  private url(path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    for (const [k, v] of Object.entries(this.auth.query)) q.set(k, v);
    return `${this.base}${path}?${q}`;
  }

  /**
   * A JSON call; 404 becomes NotFoundError, and 400/422 a ValidationError with Evercam's own message, scrubbed:
   * Evercam may echo the request URL, api_key and all.
   */
  private async call<T>(req: Omit<UpstreamRequest, 'url' | 'headers'> & { path: string; query?: Record<string, string | number | boolean | undefined> }): Promise<T> {
    const res = await this.http.json<T & { message?: string }>({
      ...req,
      url: this.url(req.path, req.query),
      headers: this.auth.headers,
      acceptStatus: [400, 404, 422],
    });
    if (res.status === 404) throw new NotFoundError(`${req.endpoint}: not found at Evercam`);
    if (res.status === 400 || res.status === 422) {
      const message = typeof res.body?.message === 'string' ? res.body.message : 'Evercam refused the request';
      throw new ValidationError(`Evercam: ${vendorText(message, this.secrets)}`, null);
    }
    return res.body;
  }

  private camerasOf(body: unknown): WireCamera[] {
    const cams = unwrap<WireCamera>(body, 'cameras');
    // Camera credentials come back in every camera reply: they must not reach logs or responses.
    for (const c of cams) {
      learnSecret(c.cam_password);
      learnSecret(c.cam_username);
    }
    return cams;
  }

  async listDevices(): Promise<FleetRead> {
    const body = await this.call<unknown>({ method: 'GET', path: `/users/${pathSegment(this.userId, 'userId')}/cameras.json`, endpoint: 'GET user cameras' });
    return { devices: this.camerasOf(body).map((c) => mapCamera(this.id, c)), failures: [] };
  }

  async getDevice(id: string): Promise<Device | null> {
    try {
      const body = await this.call<unknown>({ method: 'GET', path: `/cameras/${pathSegment(id, 'deviceId')}.json`, endpoint: 'GET camera' });
      const cam = this.camerasOf(body)[0];
      return cam ? mapCamera(this.id, cam) : null;
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }

  async capabilitiesOf(): Promise<Capability[]> {
    return CAPABILITIES;
  }

  async listRecordings(): Promise<Recording[]> {
    return [];
  }

  async getRecording(): Promise<Recording | null> {
    return null;
  }

  async validateCommand(_id: string, command: DeviceCommand): Promise<void> {
    if (command.type !== 'captureSnapshot') throw new NotSupportedError(`Evercam cameras do not support ${command.type}`);
    if (command.size !== null && command.size !== 'FULL') throw new ValidationError('Evercam stores full-size snapshots only (size FULL)', 'size');
    if (command.notes && command.notes.length > 500) throw new ValidationError('notes are at most 500 characters', 'notes');
  }

  async execute(id: string, command: DeviceCommand): Promise<CommandResult> {
    if (command.type !== 'captureSnapshot') throw new NotSupportedError(`Evercam cameras do not support ${command.type}`);
    const body = await this.call<unknown>({
      method: 'POST',
      path: `/cameras/${pathSegment(id, 'deviceId')}/snapshots.json`,
      endpoint: 'POST snapshots',
      body: JSON.stringify(command.notes ? { notes: command.notes } : {}),
    });
    const snap = unwrap<WireSnapshot>(body, 'snapshots')[0];
    if (!snap) throw this.http.error('POST snapshots: no snapshot in the reply', { code: 'MALFORMED_RESPONSE' });
    return { snapshot: mapSnapshot(this.id, id, snap) };
  }

  private snapshotsPath(id: string, rest: string): string {
    return `/cameras/${pathSegment(id, 'deviceId')}/snapshots${rest}.json`;
  }

  /** A snapshot by its id (its time in seconds): the archive's snapshot at exactly that second. */
  async getSnapshot(id: string, snapshotId: string): Promise<Snapshot | null> {
    if (!/^\d+$/.test(snapshotId)) return null;
    const s = await this.snapshots.closest(id, new Date(Number(snapshotId) * 1000), 0);
    return s && s.vendorSnapshotId === snapshotId ? s : null;
  }

  /** An online camera keeps storing snapshots: its latest stored one is read each poll. */
  async newSince(_before: Device, after: Device): Promise<{ snapshots?: Snapshot[] }> {
    if (after.connection !== 'ONLINE') return {};
    const latest = await this.snapshots.latest(after.vendorDeviceId);
    return { snapshots: latest ? [latest] : [] };
  }

  /** Each camera's stored snapshots, named by their time in seconds (also how one is deleted). */
  readonly snapshots: SnapshotArchive = {
    latest: async (id) => {
      const body = await this.call<unknown>({ method: 'GET', path: this.snapshotsPath(id, '/latest'), endpoint: 'GET snapshots latest' }).catch((e) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      const s = unwrap<WireSnapshot>(body, 'snapshots')[0];
      return s ? mapSnapshot(this.id, id, s) : null;
    },
    /**
     * A page of a range, oldest first. Paging continues from the last snapshot's own time (from = after + 1),
     * not by page number, so snapshots arriving or going meanwhile neither repeat nor vanish from later pages.
     */
    list: async (id, q) => {
      const from = Math.max(Math.floor(q.from.getTime() / 1000), q.after !== null ? Number(q.after) + 1 : -Infinity);
      const to = Math.floor(q.to.getTime() / 1000);
      if (from > to) return [];
      const body = await this.call<unknown>({
        method: 'GET',
        path: this.snapshotsPath(id, '/range'),
        query: { from, to, limit: q.limit, page: 1 },
        endpoint: 'GET snapshots range',
      });
      return unwrap<WireSnapshot>(body, 'snapshots')
        .sort((a, b) => a.created_at - b.created_at)
        .map((s) => mapSnapshot(this.id, id, s));
    },
    closest: async (id, at, rangeSeconds) => {
      const ts = Math.floor(at.getTime() / 1000);
      const body = await this.call<unknown>({
        method: 'GET',
        path: this.snapshotsPath(id, `/${ts}`),
        query: { range: rangeSeconds ?? undefined },
        endpoint: 'GET snapshot closest',
      }).catch((e) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      const s = unwrap<WireSnapshot>(body, 'snapshots')[0];
      return s ? mapSnapshot(this.id, id, s) : null;
    },
    days: async (id, year, month) => {
      const body = await this.call<{ days?: number[] }>({ method: 'GET', path: this.snapshotsPath(id, `/${year}/${month}/days`), endpoint: 'GET snapshot days' });
      return [...(body?.days ?? [])].map(Number).sort((a, b) => a - b);
    },
    hours: async (id, year, month, day) => {
      const body = await this.call<{ hours?: number[] }>({ method: 'GET', path: this.snapshotsPath(id, `/${year}/${month}/${day}/hours`), endpoint: 'GET snapshot hours' });
      return [...(body?.hours ?? [])].map(Number).sort((a, b) => a - b);
    },
    delete: async (id, snapshotId) => {
      if (!/^\d+$/.test(snapshotId)) throw new NotFoundError('no such snapshot');
      await this.call({ method: 'DELETE', path: this.snapshotsPath(id, `/${snapshotId}`), endpoint: 'DELETE snapshot' });
    },
  };

  /** A camera's shares with other Evercam users, by email. */
  readonly shares: Shares = {
    list: async (id) => {
      const body = await this.call<unknown>({ method: 'GET', path: `/cameras/${pathSegment(id, 'deviceId')}/shares.json`, endpoint: 'GET shares' });
      return unwrap<WireShare>(body, 'shares').map((s) => mapShare(this.id, { ...s, camera_id: s.camera_id ?? id }));
    },
    create: async (id, email, rights) => {
      if (email.length > 254 || !EMAIL.test(email)) throw new ValidationError('email must be an email address', 'email');
      if (rights.length === 0) throw new ValidationError('give at least one right', 'rights');
      const body = await this.call<unknown>({
        method: 'POST',
        path: `/cameras/${pathSegment(id, 'deviceId')}/share.json`,
        endpoint: 'POST share',
        body: JSON.stringify({ email, rights: rightsParam(rights) }),
      });
      const share = unwrap<WireShare>(body, 'shares')[0];
      if (!share) throw this.http.error('POST share: no share in the reply', { code: 'MALFORMED_RESPONSE' });
      return mapShare(this.id, { ...share, camera_id: share.camera_id ?? id });
    },
    delete: async (id, shareId) => {
      if (!/^\d+$/.test(shareId)) throw new NotFoundError('no such share');
      await this.call({ method: 'DELETE', path: `/cameras/${pathSegment(id, 'deviceId')}/share.json`, query: { share_id: shareId }, endpoint: 'DELETE share' });
    },
  };

  /** Cameras added to, changed in and removed from the account; Evercam, never avgraph, then talks to the camera. */
  readonly cameras: CameraManagement = {
    add: async (input) => {
      const p = cameraParams(input, true);
      if ('field' in p) throw new ValidationError(p.message, p.field);
      const id = newCameraId(String(p.ok.name), randomBytes(3).toString('hex'));
      const body = await this.call<unknown>({ method: 'POST', path: '/cameras.json', endpoint: 'POST cameras', body: JSON.stringify({ id, ...p.ok }) });
      return this.camerasOf(body)[0]?.id ?? id;
    },
    update: async (id, input) => {
      const p = cameraParams(input, false);
      if ('field' in p) throw new ValidationError(p.message, p.field);
      await this.call({ method: 'PATCH', path: `/cameras/${pathSegment(id, 'deviceId')}.json`, endpoint: 'PATCH camera', body: JSON.stringify(p.ok) });
    },
    remove: async (id) => {
      await this.call({ method: 'DELETE', path: `/cameras/${pathSegment(id, 'deviceId')}.json`, endpoint: 'DELETE camera' });
    },
    test: async (input) => {
      const p = cameraTestParams(input);
      if ('field' in p) throw new ValidationError(p.message, p.field);
      // The document puts the camera's credentials in the query: from here on they are secrets in every form.
      const credentials = [p.ok.cam_username, p.ok.cam_password].filter(Boolean).flatMap((c) => [c, new URLSearchParams({ c }).toString().slice(2)]);
      credentials.forEach(learnSecret);
      const said = (text: string) => vendorText(text, [...this.secrets, ...credentials]);
      const res = await this.http.json<WireCameraTest>({
        method: 'GET',
        url: this.url('/cameras/test.json', p.ok),
        endpoint: 'GET cameras test',
        headers: this.auth.headers,
        acceptStatus: [400, 403, 503, 504],
      });
      if (res.status === 400) throw new ValidationError(`Evercam: ${said(res.body?.message ?? 'Evercam refused the request')}`, null);
      const result = mapCameraTest(res.status, res.body, said);
      if (!result) throw this.http.error('GET cameras test: reply is not a test result', { code: 'MALFORMED_RESPONSE' });
      return result;
    },
  };

  readonly catalog: CameraCatalog = {
    vendors: async (mac) => {
      if (mac !== null && !/^([0-9A-Fa-f]{2}[:-]?){2}[0-9A-Fa-f]{2}/.test(mac)) throw new ValidationError('mac must start with a MAC prefix like 00:1A:2B', 'mac');
      const path = mac ? `/vendors/${pathSegment(mac, 'mac')}.json` : '/vendors.json';
      const body = await this.call<unknown>({ method: 'GET', path, endpoint: 'GET vendors' });
      return unwrap<WireVendor>(body, 'vendors').map(
        (v): CameraVendor => ({ id: v.id, name: v.name, macPrefixes: v.known_macs ?? [], supported: v.is_supported ?? null, models: v.models ?? [] }),
      );
    },
    models: async (vendorId) => {
      const body = await this.call<unknown>({ method: 'GET', path: `/models/${pathSegment(vendorId, 'vendor')}.json`, endpoint: 'GET models' });
      return unwrap<WireModel>(body, 'models').map(toModel);
    },
    model: async (vendorId, name) => {
      const body = await this.call<unknown>({ method: 'GET', path: `/models/${pathSegment(vendorId, 'vendor')}/${pathSegment(name, 'name')}.json`, endpoint: 'GET model' }).catch(
        (e) => {
          if (e instanceof NotFoundError) return null;
          throw e;
        },
      );
      const m = unwrap<WireModel>(body, 'models')[0];
      return m ? toModel(m) : null;
    },
  };

  /** Images come from Evercam only (never from a camera host): stored snapshots with their data, or the live JPG. */
  async fetchMedia(refText: string, req: MediaRequest): Promise<MediaResponse> {
    const m = refText.match(/^(snapshot|jpg):([^/]+)(?:\/(\d+))?$/);
    if (!m) throw new NotSupportedError('unknown media reference');
    const [, kind, camera, ts] = m;
    if (kind === 'jpg') {
      return this.http.stream({
        method: 'GET',
        url: this.url(`/cameras/${pathSegment(camera!, 'deviceId')}/snapshot.jpg`),
        endpoint: 'GET snapshot.jpg',
        headers: { ...this.auth.headers, ...(req.range ? { range: req.range } : {}) },
        acceptStatus: [404],
      });
    }
    const body = await this.call<unknown>({ method: 'GET', path: this.snapshotsPath(camera!, `/${ts}`), query: { with_data: true, range: 0 }, endpoint: 'GET snapshot data' });
    const snap = unwrap<WireSnapshot>(body, 'snapshots').find((s) => String(s.created_at) === ts);
    const image = snap?.data ? decodeImage(snap.data) : null;
    if (!image) throw new NotFoundError('no image stored for this snapshot');
    return { status: 200, headers: { 'content-type': image.contentType, 'content-length': String(image.bytes.length) }, body: Readable.from([image.bytes]) };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

function toModel(m: WireModel): CameraModel {
  return { vendorId: m.vendor, name: m.name, knownModels: m.known_models ?? [], defaults: m.defaults ?? null };
}
