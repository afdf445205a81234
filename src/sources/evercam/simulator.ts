import { SimServer, type SimReply, type SimRequest } from '../sim-server.js';
import type { WireCamera, WireModel, WireShare, WireSnapshot, WireVendor } from './wire.js';
import { samplePicture, samplePictureDataUri } from '../sample-pictures.js';

export interface EvercamSimOptions {
  username: string;
  password: string;
  apiId: string;
  apiKey: string;
  /** Simulated seconds per real second for new snapshots. */
  timeScale?: number;
  /** An online camera stores a snapshot this often (simulated seconds). */
  snapshotEverySeconds?: number;
  /** How far back each camera's archive starts, in hours. */
  historyHours?: number;
}

interface SimCamera extends WireCamera {
  snapshots: Map<number, { notes: string | null }>;
  lastGenerated: number;
}

/** A camera out on the internet that Evercam can reach, in the account or not (yet). */
interface ReachableCamera {
  jpgUrl: string;
  username: string;
  password: string;
  online: boolean;
}


const VENDORS: WireVendor[] = [
  { id: 'hikvision', name: 'Hikvision', known_macs: ['C0:56:E3', '44:19:B6', 'BC:AD:28'], is_supported: true, models: ['DS-2CD2032-I', 'DS-2CD2142FWD-I', 'DS-2DE4A425IW-DE'] },
  { id: 'axis', name: 'Axis', known_macs: ['00:40:8C', 'AC:CC:8E'], is_supported: true, models: ['M3045-V', 'P1435-LE'] },
  { id: 'dahua', name: 'Dahua', known_macs: ['3C:EF:8C', '90:02:A9'], is_supported: true, models: ['IPC-HFW4431R-Z', 'IPC-HDW5231R-ZE'] },
  { id: 'ubiquiti', name: 'Ubiquiti', known_macs: ['24:A4:3C', '68:72:51'], is_supported: false, models: ['UVC-G3-BULLET'] },
  { id: 'mobotix', name: 'Mobotix', known_macs: ['00:03:C5'], is_supported: true, models: ['M16'] },
];
const JPG_PATHS: Record<string, string> = {
  hikvision: '/Streaming/channels/1/picture',
  axis: '/axis-cgi/jpg/image.cgi',
  dahua: '/cgi-bin/snapshot.cgi',
  ubiquiti: '/snap.jpeg',
  mobotix: '/record/current.jpg',
};

const json = (status: number, body: unknown): SimReply => ({ status, json: body });
const now = () => Math.floor(Date.now() / 1000);

/**
 * Evercam's REST API as documented: users' cameras, shares, a vendor/model catalogue, and a snapshot store
 * that fills over time for online cameras, so ranges, days and hours have content. Basic auth and
 * api_id/api_key are both checked.
 */
export class EvercamSimulator {
  readonly server: SimServer;
  readonly cameras = new Map<string, SimCamera>();
  private readonly shares: WireShare[] = [];
  private shareSeq = 1;
  private readonly opts: Required<EvercamSimOptions>;
  /** Cameras not in any account that GET /cameras/test can reach, by "host:port". */
  private readonly hosts = new Map<string, ReachableCamera>();
  /** Fault: the next N requests (of one method, if given) are refused with a message echoing the full URL. */
  private echo = { count: 0, method: null as string | null };

  constructor(options: EvercamSimOptions) {
    this.opts = { timeScale: 1, snapshotEverySeconds: 600, historyHours: 72, ...options };
    const seed: [string, string, string, string, boolean, boolean][] = [
      ['gate', 'Main Gate', 'hikvision', 'DS-2CD2032-I', true, true],
      ['yard', 'Yard North', 'axis', 'M3045-V', true, false],
      ['crane', 'Tower Crane', 'dahua', 'IPC-HFW4431R-Z', false, true],
      ['office', 'Site Office', 'hikvision', 'DS-2CD2142FWD-I', true, false],
      ['store', 'Store Room', 'mobotix', 'M16', false, false],
      ['canal', 'Canal Bank', 'ubiquiti', 'UVC-G3-BULLET', true, true],
    ];
    const start = now() - this.opts.historyHours * 3600;
    seed.forEach(([id, name, vendor, model, online, pub], i) => {
      const owner = i < 4 ? this.opts.username : 'site2';
      const c: SimCamera = {
        id: `${id}-${i}`,
        name,
        owner,
        vendor,
        model,
        created_at: start - 86_400,
        updated_at: start,
        last_polled_at: now(),
        last_online_at: online ? now() : start + 3600 * 10,
        timezone: i % 2 ? 'Europe/Dublin' : 'America/New_York',
        is_online: online,
        is_public: pub,
        external_host: `${id}.example-site.net`,
        internal_host: `192.168.1.${10 + i}`,
        external_http_port: 8080 + i,
        internal_http_port: 80,
        external_rtsp_port: 9000 + i,
        internal_rtsp_port: 554,
        jpg_url: JPG_PATHS[vendor],
        cam_username: 'admin',
        cam_password: `cam-secret-${id}-${1000 + i}`,
        mac_address: `${VENDORS.find((v) => v.id === vendor)!.known_macs![0]}:1${i}:2${i}:3${i}`,
        location: { lng: -6.26 + i / 100, lat: 53.34 + i / 100 },
        snapshots: new Map(),
        lastGenerated: start,
      };
      this.cameras.set(c.id, c);
      // An offline camera stopped storing when it went offline.
      this.fill(c, online ? now() : (c.last_online_at ?? start));
    });
    this.shares.push({ id: this.shareSeq++, camera_id: 'gate-0', user_id: 7, email: 'foreman@example.com', kind: 'private', rights: 'snapshot,list,view' });
    this.server = new SimServer(
      (req) => this.handle(req),
      (req) => `${req.method} ${req.url.pathname.replace(/\/cameras\/(?!test\.json$)[^/]+/, '/cameras/:id').replace(/\/snapshots\/\d+(\/\d+)*/, '/snapshots/:t').replace(/\/(users|vendors|models)\/[^/]+(\/[^/.]+)?/, '/$1/:id')}`,
      {
        online: (b) => {
          const c = this.cameras.get(String(b.id));
          if (!c) return { ok: false };
          this.tick();
          c.is_online = Boolean(b.online);
          if (c.is_online) c.lastGenerated = now();
          return { ok: true };
        },
        'add-snapshots': (b) => {
          // Puts `count` snapshots one second apart starting at `from` (unix s): for paging tests.
          const c = this.cameras.get(String(b.id));
          if (!c) return { ok: false };
          for (let i = 0; i < Number(b.count); i++) c.snapshots.set(Number(b.from) + i, { notes: null });
          return { ok: true };
        },
        'camera-host': (b) => {
          // Puts a camera at host:port for camera tests to find.
          const cam = { jpgUrl: String(b.jpgUrl), username: String(b.username ?? ''), password: String(b.password ?? ''), online: b.online !== false };
          this.hosts.set(`${String(b.host).toLowerCase()}:${Number(b.port ?? 80)}`, cam);
          return { ok: true };
        },
        'echo-url': (b) => void (this.echo = { count: Number(b.count ?? 1), method: typeof b.method === 'string' ? b.method : null }),
      },
    );
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private fill(c: SimCamera, until: number): void {
    const every = this.opts.snapshotEverySeconds;
    let t = Math.ceil((c.lastGenerated + 1) / every) * every;
    for (; t <= until; t += every) c.snapshots.set(t, { notes: null });
    c.lastGenerated = until;
  }

  /** Online cameras store snapshots as (simulated) time passes. */
  private tick(): void {
    const t = now();
    for (const c of this.cameras.values()) {
      if (!c.is_online) continue;
      c.last_online_at = t;
      c.last_polled_at = t;
      const simEvery = this.opts.snapshotEverySeconds / this.opts.timeScale;
      const due = Math.floor((t - c.lastGenerated) / Math.max(simEvery, 1));
      for (let i = 1; i <= due; i++) c.snapshots.set(c.lastGenerated + Math.round(i * simEvery), { notes: null });
      if (due > 0) c.lastGenerated += Math.round(due * simEvery);
    }
  }

  private authorized(req: SimRequest): boolean {
    const q = req.url.searchParams;
    if (q.get('api_id') !== null || q.get('api_key') !== null) return q.get('api_id') === this.opts.apiId && q.get('api_key') === this.opts.apiKey;
    const basic = (req.headers.authorization ?? '').match(/^Basic\s+(.+)$/)?.[1];
    if (!basic) return false;
    const [user, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return (user === this.opts.username || user === this.opts.apiId) && rest.join(':') === this.opts.password;
  }

  private body(req: SimRequest): Record<string, unknown> {
    if (!req.body) return Object.fromEntries(req.url.searchParams);
    try {
      return JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return Object.fromEntries(new URLSearchParams(req.body));
    }
  }

  private presenter(c: SimCamera): WireCamera {
    const { snapshots: _s, lastGenerated: _l, ...wire } = c;
    return wire;
  }

  private snapshot(c: SimCamera, ts: number, withData: boolean): WireSnapshot {
    return { camera: c.id, notes: c.snapshots.get(ts)?.notes ?? null, created_at: ts, timezone: c.timezone ?? 'UTC', ...(withData ? { data: samplePictureDataUri(c.id) } : {}) };
  }

  private localParts(ts: number, tz: string): { y: number; m: number; d: number; h: number } {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' })
      .formatToParts(new Date(ts * 1000))
      .reduce<Record<string, number>>((acc, p) => (p.type !== 'literal' ? { ...acc, [p.type]: Number(p.value) } : acc), {});
    return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour! };
  }

  private handle(req: SimRequest): SimReply {
    this.tick();
    if (!this.authorized(req)) return json(401, { message: 'Unauthenticated' });
    if (this.echo.count > 0 && (!this.echo.method || this.echo.method === req.method)) {
      this.echo.count -= 1;
      return json(400, { message: `Invalid parameters for ${req.method} http://${req.headers.host}${req.url.pathname}${req.url.search}` });
    }
    const path = req.url.pathname.replace(/\.json$/, '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const q = req.url.searchParams;
    const m = req.method;
    if (path === '/v1/test' || path === '/test') return json(200, { message: 'ok' });
    const p = parts[0] === 'v1' ? parts.slice(1) : parts;
    if (p[0] === 'users' && p[2] === 'cameras' && m === 'GET') {
      const user = p[1]!;
      const shared = new Set(this.shares.filter((s) => s.email === `${user}@example.com`).map((s) => s.camera_id));
      const cams = [...this.cameras.values()].filter((c) => c.owner === user || shared.has(c.id) || (user === this.opts.username && c.owner === 'site2'));
      return json(200, { cameras: cams.map((c) => this.presenter(c)) });
    }
    if (p[0] === 'vendors' && m === 'GET') {
      if (!p[1]) return json(200, { vendors: VENDORS });
      const mac = p[1].toUpperCase().replace(/-/g, ':').slice(0, 8);
      return json(200, { vendors: VENDORS.filter((v) => v.known_macs!.some((k) => k === mac)) });
    }
    if (p[0] === 'models' && m === 'GET') {
      if (!p[1]) return json(200, { vendors: VENDORS });
      const v = VENDORS.find((x) => x.id === p[1]);
      if (!v) return json(404, { message: 'Vendor not found' });
      const models: WireModel[] = v.models!.map((name) => ({ vendor: v.id, name, known_models: [name], defaults: { snapshots: { jpg: JPG_PATHS[v.id] } } }));
      if (!p[2]) return json(200, { models });
      const one = models.find((x) => x.name === p[2]);
      return one ? json(200, { models: [one] }) : json(404, { message: 'Model not found' });
    }
    if (p[0] !== 'cameras') return json(404, { message: 'Not found' });
    if (p[1] === 'test' && p.length === 2 && m === 'GET') return this.testCamera(q);
    if (p.length === 1 && m === 'POST') return this.create(this.body(req));
    if (p[1] === 'share' && m === 'PATCH') return json(501, { message: 'Coming soon' });
    const c = this.cameras.get(p[1] ?? '');
    if (!c) return json(404, { message: 'Camera not found' });
    if (p.length === 2) {
      if (m === 'GET') return json(200, { cameras: [this.presenter(c)] });
      if (m === 'DELETE') {
        this.cameras.delete(c.id);
        return json(200, {});
      }
      if (m === 'PATCH') return this.update(c, this.body(req));
    }
    if (p[2] === 'snapshot.jpg' && m === 'GET') return c.is_online ? { status: 200, bytes: samplePicture(c.id), contentType: 'image/jpeg' } : json(504, { message: 'Camera seems to be offline' });
    if (p[2] === 'shares' && m === 'GET') return json(200, { shares: this.shares.filter((s) => s.camera_id === c.id) });
    if (p[2] === 'share' && m === 'POST') {
      const b = this.body(req);
      const email = String(b.email ?? '');
      const rights = String(b.rights ?? '');
      if (!email.includes('@') || !rights) return json(400, { message: 'Invalid parameters' });
      if (this.shares.some((s) => s.camera_id === c.id && s.email === email)) return json(400, { message: 'The camera is already shared with this user' });
      const share: WireShare = { id: this.shareSeq++, camera_id: c.id, user_id: 100 + this.shareSeq, email, kind: 'private', rights };
      this.shares.push(share);
      return json(201, { shares: [share] });
    }
    if (p[2] === 'share' && m === 'DELETE') {
      const i = this.shares.findIndex((s) => s.camera_id === c.id && String(s.id) === (q.get('share_id') ?? String(this.body(req).share_id)));
      if (i < 0) return json(404, { message: 'Share not found' });
      this.shares.splice(i, 1);
      return json(200, {});
    }
    if (p[2] === 'snapshots') return this.snapshots(c, p.slice(3), req);
    return json(404, { message: 'Not found' });
  }

  /** The camera at host:port, as Evercam would find it: one registered for tests, or one of the account's. */
  private reachable(host: string, port: number): ReachableCamera | null {
    const registered = this.hosts.get(`${host}:${port}`);
    if (registered) return registered;
    const c = [...this.cameras.values()].find((x) => x.external_host?.toLowerCase() === host && (x.external_http_port ?? 80) === port);
    return c ? { jpgUrl: c.jpg_url ?? '', username: c.cam_username ?? '', password: c.cam_password ?? '', online: c.is_online === true } : null;
  }

  /**
   * GET /cameras/test as Evercam v1 answers it (the document lists no responses): it fetches external_url +
   * jpg_url with the credentials; 200 with the picture, 403 when the camera refuses the credentials, 503 when
   * nothing answers there or gives no picture, 400 for a missing parameter or a URL it cannot read.
   */
  private testCamera(q: URLSearchParams): SimReply {
    for (const k of ['external_url', 'jpg_url', 'cam_username', 'cam_password']) if (q.get(k) === null) return json(400, { message: `${k} is missing` });
    let url: URL;
    try {
      url = new URL(q.get('external_url')! + q.get('jpg_url')!);
    } catch {
      return json(400, { message: 'Invalid URL' });
    }
    const cam = this.reachable(url.hostname.toLowerCase(), Number(url.port || 80));
    if (!cam || !cam.online || cam.jpgUrl !== url.pathname + url.search) return json(503, { message: 'Camera offline' });
    if (cam.username !== q.get('cam_username') || cam.password !== q.get('cam_password')) {
      return json(403, { message: 'Please check camera username and password' });
    }
    return json(200, { status: 'ok', data: samplePictureDataUri(url.host) });
  }

  private snapshots(c: SimCamera, rest: string[], req: SimRequest): SimReply {
    const q = req.url.searchParams;
    const withData = q.get('with_data') === 'true';
    const all = [...c.snapshots.keys()].sort((a, b) => a - b);
    const m = req.method;
    if (rest.length === 0 && m === 'GET') return json(200, { snapshots: all.map((t) => this.snapshot(c, t, false)) });
    if (rest.length === 0 && m === 'POST') {
      if (!c.is_online) return json(504, { message: 'Camera seems to be offline' });
      let t = now();
      while (c.snapshots.has(t)) t += 1;
      const notes = this.body(req).notes;
      c.snapshots.set(t, { notes: typeof notes === 'string' ? notes : null });
      return json(201, { snapshots: [this.snapshot(c, t, false)] });
    }
    if (rest[0] === 'latest') return all.length ? json(200, { snapshots: [this.snapshot(c, all[all.length - 1]!, withData)] }) : json(404, { message: 'No snapshots' });
    if (rest[0] === 'range') {
      const from = Number(q.get('from'));
      const to = Number(q.get('to'));
      if (!q.get('from') || !q.get('to') || !Number.isFinite(from) || !Number.isFinite(to)) return json(400, { message: 'from and to are required' });
      const limit = Math.min(Number(q.get('limit') ?? (withData ? 10 : 100)) || 100, 1000);
      const page = Math.max(1, Number(q.get('page') ?? 1) || 1);
      const hits = all.filter((t) => t >= from && t <= to);
      return json(200, { snapshots: hits.slice((page - 1) * limit, page * limit).map((t) => this.snapshot(c, t, withData)) });
    }
    if (rest.length === 3 && rest[2] === 'days') {
      const [y, mo] = rest.map(Number);
      const days = new Set(all.map((t) => this.localParts(t, c.timezone ?? 'UTC')).filter((x) => x.y === y && x.m === mo).map((x) => x.d));
      return json(200, { days: [...days].sort((a, b) => a - b) });
    }
    if (rest.length === 4 && rest[3] === 'hours') {
      const [y, mo, d] = rest.map(Number);
      const hours = new Set(all.map((t) => this.localParts(t, c.timezone ?? 'UTC')).filter((x) => x.y === y && x.m === mo && x.d === d).map((x) => x.h));
      return json(200, { hours: [...hours].sort((a, b) => a - b) });
    }
    if (rest.length === 1 && /^\d+$/.test(rest[0]!)) {
      const ts = Number(rest[0]);
      if (m === 'DELETE') {
        if (!c.snapshots.delete(ts)) return json(404, { message: 'Snapshot not found' });
        return json(200, {});
      }
      if (m === 'GET') {
        const range = q.get('range') !== null ? Number(q.get('range')) : Infinity;
        let best: number | null = null;
        for (const t of all) if (Math.abs(t - ts) <= range && (best === null || Math.abs(t - ts) < Math.abs(best - ts))) best = t;
        return best === null ? json(404, { message: 'Snapshot not found' }) : json(200, { snapshots: [this.snapshot(c, best, withData)] });
      }
    }
    return json(404, { message: 'Not found' });
  }

  private create(b: Record<string, unknown>): SimReply {
    const id = String(b.id ?? '');
    if (!/^[a-z0-9-]{3,64}$/.test(id) || !b.name) return json(400, { message: 'Invalid parameters' });
    if (this.cameras.has(id)) return json(400, { message: 'The camera id is already in use' });
    const c: SimCamera = {
      id,
      name: String(b.name),
      owner: this.opts.username,
      vendor: null,
      model: null,
      created_at: now(),
      updated_at: now(),
      last_polled_at: now(),
      last_online_at: now(),
      timezone: 'UTC',
      is_online: true,
      is_public: Boolean(b.is_public),
      snapshots: new Map(),
      lastGenerated: now(),
    };
    this.cameras.set(id, c);
    return this.update(c, b, 201);
  }

  private update(c: SimCamera, b: Record<string, unknown>, status = 200): SimReply {
    const keys = ['name', 'is_public', 'external_host', 'internal_host', 'external_http_port', 'internal_http_port', 'external_rtsp_port', 'internal_rtsp_port', 'jpg_url', 'cam_username', 'cam_password'] as const;
    for (const k of keys) if (b[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = b[k];
    c.updated_at = now();
    return json(status, { cameras: [this.presenter(c)] });
  }
}
