import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { SimServer, type SimReply, type SimRequest } from '../sim-server.js';
import type { WireAlert, WireCameraStatus, WireDeviceSummary, WireViewerInfo } from './wire.js';
import { samplePicture } from '../sample-pictures.js';

export interface VideoloftSimOptions {
  email: string;
  password: string;
  /** Simulated seconds per real second (live hold, trigger run-on, motion). */
  timeScale?: number;
  /** Loggers the cameras are spread over. */
  loggers?: number;
  /** Wowza servers; every camera starts on the first and may be moved (POST /__sim/move-wowza). */
  wowzas?: number;
  /** Cameras per owner (two owners: the account itself and a customer it was given access to). */
  camerasPerOwner?: number;
  tokenTtlMs?: number;
  /** New motion alerts appear on online cameras about this often (simulated seconds); 0 for none. */
  motionEverySeconds?: number;
}

interface Camera {
  uidd: string;
  owner: string;
  phonename: string;
  phoneid: string;
  logger: number;
  wowza: number;
  streamname: string;
  online: boolean;
  permissions: string[];
  /** Offset from UTC in hours, as alerts report it. */
  tz: number;
  liveUntil: number;
  liveSince: number;
  lastthumb: number;
  laststill: number;
  lastactivity: number;
  alerts: WireAlert[];
  triggerUntil: number;
  openAlert: WireAlert | null;
  nextMotion: number;
  ptz: string[];
}

/** Real H.264 segments (assets/videoloft), so a player plays demo video: 3 × 4 s of an event, 3 × 2 s of live. */
let video: { alert: Buffer[]; live: Buffer[] } | null = null;
const segment = (name: string) => readFileSync(new URL(`../../../assets/videoloft/${name}.mpegts`, import.meta.url));
const sampleVideo = () => (video ??= { alert: [0, 1, 2].map((n) => segment(`alert-${n}`)), live: [0, 1, 2].map((n) => segment(`live-${n}`)) });
const NAMES = ['Front Door', 'Garden', 'Warehouse', 'Car Park', 'Reception', 'Loading Bay', 'Hall', 'Kitchen'];
const OWNERS = [
  { uid: '329475', alias: 'Customer 1' },
  { uid: '400123', alias: 'Customer 2' },
];

const json = (status: number, body: unknown): SimReply => ({ status, json: body });

/**
 * Videoloft as the document describes it: an authenticator, loggers and a Wowza server, each its own HTTP
 * server, sharing state. livecommand keeps a camera live for 60 s, triggerevent records until 20 s after
 * the last call, captures move lastthumb/laststill, and motion alerts appear over time.
 */
export class VideoloftSimulator {
  readonly auth: SimServer;
  readonly loggers: SimServer[];
  readonly wowzas: SimServer[];
  readonly cameras: Camera[] = [];
  private readonly tokens = new Map<string, number>();
  /** Every token handed out, so tests can look for them where they must not be. */
  readonly issuedTokens: string[] = [];
  private readonly opts: Required<VideoloftSimOptions>;
  private loggerHosts: string[] = [];
  private wowzaHosts: string[] = [];
  private authUrl = '';
  private readonly feeds = new Set<{ logger: number; res: ServerResponse }>();
  private readonly deviceErrors: Record<string, string>[] = [];
  /** Fault: /alert answers the first page whatever `offset` says. */
  private ignorePaging = false;
  /** Fault: this many next realtime replies stream one message that never ends. */
  private endlessFeeds = 0;
  /** Per endless reply: bytes written, and whether the client has cut it. */
  readonly endless: { sent: number; closed: boolean }[] = [];

  constructor(options: VideoloftSimOptions) {
    this.opts = {
      timeScale: 1,
      loggers: 2,
      wowzas: 2,
      camerasPerOwner: 4,
      tokenTtlMs: 20 * 60_000,
      motionEverySeconds: 300,
      ...options,
    };
    const now = Date.now();
    let n = 0;
    for (const [o, owner] of OWNERS.entries()) {
      for (let i = 0; i < this.opts.camerasPerOwner; i++, n++) {
        const id = 50 + i;
        const uidd = `${owner.uid}.${id}`;
        // The account's own cameras are admin; the customer's alternate between read-only and admin.
        const permissions = o === 0 ? ['a'] : i % 2 === 0 ? ['r'] : ['a'];
        // The account's cameras an hour east of UTC (as the document's example), the customer's five hours west.
        const tz = o === 0 ? 1 : -5;
        this.cameras.push({
          uidd,
          owner: owner.uid,
          phonename: NAMES[n % NAMES.length]!,
          // Hikvision model ids (DS-...) where PTZ works; others a generic ONVIF camera.
          phoneid: n % 3 === 0 ? `DS-2DE4A425IW-DE${1000 + n}` : `IPC-HFW${2000 + n}`,
          logger: n % this.opts.loggers,
          wowza: 0,
          streamname: `${uidd}_${10000 + n * 7}-nr`,
          online: n % 5 !== 4,
          permissions,
          tz,
          liveUntil: 0,
          liveSince: 0,
          lastthumb: Math.floor(now / 1000) - 600,
          laststill: Math.floor(now / 1000) - 3600,
          lastactivity: now - 5000,
          alerts: Array.from({ length: 6 }, (_, k) => {
            const start = now - (k + 1) * 3 * 3600_000;
            const audio = k % 3 === 2;
            return { alert: Math.floor(start / 1000), startt: start, endtt: start + 15_000, rom: k === 5 ? 0 : 1, smx: audio ? '00' : '07', aud: audio ? '06' : null, tz, type: audio ? 'audio' : 'motion', has_hdstill: k % 2, deviceid: id };
          }),
          triggerUntil: 0,
          openAlert: null,
          nextMotion: now + this.motionGapMs(),
          ptz: [],
        });
      }
    }
    const route = (req: SimRequest) => `${req.method} ${req.url.pathname.split('/').slice(0, 3).join('/').replace(/\/\d+(\.\d+)?$/, '')}`;
    const control = {
      'expire-tokens': () => void this.tokens.clear(),
      'token-ttl': (b: Record<string, unknown>) => void (this.opts.tokenTtlMs = Number(b.ms)),
      'drop-feed': (b: Record<string, unknown>) => this.dropFeeds(Boolean(b.midMessage)),
      'move-camera': (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        if (c) c.logger = Number(b.logger) % this.opts.loggers;
      },
      // The camera streams to another Wowza server from now on; the old one no longer has its stream.
      'move-wowza': (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        if (c) c.wowza = Number(b.wowza) % this.opts.wowzas;
        if (c) this.push(c.logger, { type: 'liveSession', data: this.status(c) });
      },
      online: (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        if (c) c.online = Boolean(b.online);
        if (c) this.push(c.logger, { type: 'liveSession', data: this.status(c) });
      },
      // A motion alert now; smx, aud, type and has_hdstill may be given.
      motion: (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        const { uidd: _uidd, ...detail } = b;
        return c ? this.motion(c, detail as Partial<WireAlert>) : null;
      },
      'device-error': (b: Record<string, unknown>) => void this.deviceErrors.push({ [String(b.uidd)]: String(b.reason ?? 'Unauthorized') }),
      state: (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        return c ? { ptz: c.ptz, liveUntil: c.liveUntil, triggerUntil: c.triggerUntil } : null;
      },
      // `count` motion alerts a minute apart, the newest an hour ago: for paging tests.
      'add-alerts': (b: Record<string, unknown>) => {
        const c = this.camera(String(b.uidd));
        const at = Date.now() - 3600_000;
        for (let k = 0; c && k < Number(b.count); k++) {
          const start = at - k * 60_000;
          c.alerts.push({ alert: Math.floor(start / 1000), startt: start, endtt: start + 15_000, rom: 1, smx: '07', aud: null, tz: c.tz, type: 'motion', has_hdstill: 0 });
        }
        c?.alerts.sort((x, y) => y.startt - x.startt);
      },
      'ignore-paging': (b: Record<string, unknown>) => void (this.ignorePaging = Boolean(b.on)),
      'endless-feed': (b: Record<string, unknown>) => void (this.endlessFeeds = Number(b.count ?? 1)),
    };
    this.auth = new SimServer((req) => this.authHandle(req), route, control);
    this.loggers = Array.from(
      { length: this.opts.loggers },
      (_, i) => new SimServer((req) => this.loggerHandle(i, req), route, control, (req, res) => this.feed(i, req, res)),
    );
    this.wowzas = Array.from({ length: this.opts.wowzas }, (_, i) => new SimServer((req) => this.wowzaHandle(i, req), route, control));
  }

  /** The first Wowza server, where every camera starts. */
  get wowza(): SimServer {
    return this.wowzas[0]!;
  }

  /** Starts every server; returns the authenticator URL for the config. */
  async listen(host = '127.0.0.1'): Promise<string> {
    this.authUrl = await this.auth.listen(0, host);
    this.loggerHosts = (await Promise.all(this.loggers.map((l) => l.listen(0, host)))).map((u) => u.replace(/^https?:\/\//, ''));
    this.wowzaHosts = (await Promise.all(this.wowzas.map((w) => w.listen(0, host)))).map((u) => u.replace(/^https?:\/\//, ''));
    return this.authUrl;
  }

  async close(): Promise<void> {
    for (const f of this.feeds) f.res.destroy();
    this.feeds.clear();
    await Promise.all([this.auth.close(), ...this.wowzas.map((w) => w.close()), ...this.loggers.map((l) => l.close())]);
  }

  camera(uidd: string): Camera | undefined {
    return this.cameras.find((c) => c.uidd === uidd);
  }

  private motionGapMs(): number {
    const s = this.opts.motionEverySeconds;
    return s > 0 ? ((s * (0.5 + Math.random())) / this.opts.timeScale) * 1000 : Number.POSITIVE_INFINITY;
  }

  private simMs(seconds: number): number {
    return (seconds * 1000) / this.opts.timeScale;
  }

  /** Time-driven state: live holds lapse, triggered alerts end, motion alerts appear. */
  private tick(): void {
    const now = Date.now();
    for (const c of this.cameras) {
      if (c.liveUntil && now > c.liveUntil) {
        c.liveUntil = 0;
        this.push(c.logger, { type: 'liveSession', data: this.status(c) });
      }
      if (c.openAlert && now > c.triggerUntil) {
        // Play-out ends 5 s after the last trigger.
        c.openAlert.endtt = c.triggerUntil - this.simMs(15);
        this.push(c.logger, { type: 'alert', data: { ...c.openAlert, uid: c.uidd, id: c.openAlert.alert } });
        c.openAlert = null;
      }
      if (c.online && now > c.nextMotion) {
        this.motion(c);
        c.nextMotion = now + this.motionGapMs();
      }
    }
  }

  private motion(c: Camera, detail: Partial<WireAlert> = {}): WireAlert {
    const now = Date.now();
    const a: WireAlert = { alert: Math.floor(now / 1000) + c.alerts.length, startt: now - 12_000, endtt: now, rom: 1, smx: '0a', aud: null, tz: c.tz, type: 'motion', has_hdstill: 0, ...detail };
    c.alerts.unshift(a);
    c.lastthumb = Math.max(c.lastthumb + 1, Math.floor(now / 1000));
    this.push(c.logger, { type: 'alert', data: { ...a, uid: c.uidd, id: a.alert } });
    return a;
  }

  private tokenOk(token: string | null | undefined): boolean {
    if (!token) return false;
    const exp = this.tokens.get(token);
    return exp !== undefined && exp > Date.now();
  }

  private headerToken(req: SimRequest): string | null {
    return (req.headers.authorization ?? '').match(/^ManythingToken\s+(.+)$/)?.[1] ?? null;
  }

  private visible(): Camera[] {
    return this.cameras;
  }

  private tree<D>(cams: Camera[], f: (c: Camera) => D) {
    const result: Record<string, { devices: Record<string, D>; alias: string }> = {};
    for (const c of cams) {
      const [owner, id] = c.uidd.split('.');
      result[owner!] ??= { devices: {}, alias: OWNERS.find((o) => o.uid === owner)!.alias };
      result[owner!]!.devices[id!] = f(c);
    }
    return result;
  }

  private summary(c: Camera): WireDeviceSummary {
    return { uidd: c.uidd, phonename: c.phonename, permissions: c.permissions };
  }

  private info(c: Camera): WireViewerInfo {
    return {
      ...this.summary(c),
      wowza: this.wowzaHosts[c.wowza],
      logger: this.loggerHosts[c.logger],
      cloudRecordingEnabled: 1,
      appVersion: '2.24.2',
      deviceType: 'ipcam201701',
      streamname: c.streamname,
      phoneid: c.phoneid,
    };
  }

  status(c: Camera): WireCameraStatus & { uidd: string } {
    const live = c.online && c.liveUntil > Date.now();
    return {
      uid: c.uidd,
      uidd: c.uidd,
      permissions: c.permissions,
      session: live ? Math.floor(c.liveSince / 1000) : null,
      live,
      startt: live ? c.liveSince : 0,
      lastactivity: c.online ? Date.now() - 2000 : c.lastactivity,
      lastthumb: c.lastthumb,
      laststill: c.laststill,
      wowza: live ? this.wowzaHosts[c.wowza] : 'wowza1.manything.com',
      status: c.online ? 'live' : 'offline',
      lastalert: c.alerts[0] ? Math.floor(c.alerts[0].startt / 1000) : 0,
      battery: null,
    };
  }

  private authHandle(req: SimRequest): SimReply {
    this.tick();
    const q = req.url.searchParams;
    if (req.url.pathname === '/login') {
      if (q.get('email') !== this.opts.email || q.get('password') !== this.opts.password) return json(401, { error: 'Unauthorized' });
      const token = `${randomBytes(24).toString('base64url')}.`;
      this.tokens.set(token, Date.now() + this.opts.tokenTtlMs);
      this.issuedTokens.push(token);
      return json(200, { result: { uid: Number(OWNERS[0]!.uid), authToken: token, authenticator: this.authUrl, accountInfo: { maxAge: 7, maxDevices: 50, type: 'pro' }, time: Date.now(), region: 'sim' } });
    }
    if (!this.tokenOk(this.headerToken(req))) return json(401, { error: 'Unauthorized' });
    if (req.url.pathname === '/devices') {
      return json(200, { result: this.tree(this.visible(), (c) => this.summary(c)), errors: this.deviceErrors });
    }
    if (req.url.pathname === '/devices/viewerInfo') {
      const wanted = new Set(q.getAll('uidd'));
      return json(200, { result: this.tree(this.visible().filter((c) => wanted.has(c.uidd)), (c) => this.info(c)) });
    }
    return json(404, { error: 'not found' });
  }

  private loggerHandle(i: number, req: SimRequest): SimReply {
    this.tick();
    const q = req.url.searchParams;
    const parts = req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const mine = (uidd: string | null) => {
      const c = uidd ? this.camera(uidd) : undefined;
      return c && c.logger === i ? c : undefined;
    };
    if (parts[0] === 'cameras' && parts[1] === 'status') {
      if (!this.tokenOk(this.headerToken(req))) return json(401, { error: 'Unauthorized' });
      const uids = q.getAll('uid');
      const found = uids.map((u) => mine(u)).filter((c): c is Camera => !!c);
      const errors = uids.filter((u) => !mine(u)).map((u) => ({ [u]: 'Not resident on this logger' }));
      return json(200, { result: this.tree(found, (c) => this.status(c)), errors });
    }
    // token in the path: /getthumb/uid/time/token, /getstill/..., /alertthumb/uid/alertid/token
    if (['getthumb', 'getstill', 'alertthumb'].includes(parts[0]!)) {
      if (!this.tokenOk(parts[3])) return json(401, { error: 'Unauthorized' });
      return mine(parts[1]!) ? { status: 200, bytes: samplePicture(parts[1]!), contentType: 'image/jpeg' } : json(404, { error: 'not found' });
    }
    if (!this.tokenOk(q.get('token'))) return json(401, { error: 'Unauthorized' });
    const c = mine(q.get('uid'));
    if (parts[0] === 'alertseg') {
      const segment = sampleVideo().alert[Number(parts[3]?.split('.')[0])];
      return segment ? { status: 200, bytes: segment, contentType: 'video/mp2t' } : json(404, { error: 'no such segment' });
    }
    if (!c) return json(404, { error: 'Device not resident on this logger' });
    if (parts[0] === 'sendcameratask') return this.task(c, q.get('action') ?? '');
    if (parts[0] === 'alert') {
      const maxage = Number(q.get('maxage') ?? 0);
      const offset = this.ignorePaging ? 0 : Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 20);
      const list = c.alerts.filter((a) => !maxage || a.startt >= Date.now() - maxage);
      return json(200, list.slice(offset, offset + limit).map((a) => ({ ...a, deviceid: Number(c.uidd.split('.')[1]) })));
    }
    if (parts[0] === 'alerturl.m3u8') {
      const id = q.get('id');
      if (!c.alerts.some((a) => String(a.alert) === id)) return json(404, { error: 'no such alert' });
      if (q.get('buildmp4') === '1') return { status: 200, bytes: Buffer.from('000000186674797069736f6d', 'hex'), contentType: 'video/mp4' };
      const token = q.get('token')!;
      const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:4', '#EXT-X-MEDIA-SEQUENCE:0'];
      for (let n = 0; n < 3; n++) lines.push('#EXTINF:4.0,', `alertseg/${c.uidd}/${id}/${n}.ts?token=${encodeURIComponent(token)}`);
      lines.push('#EXT-X-ENDLIST');
      return { status: 200, bytes: Buffer.from(lines.join('\n') + '\n'), contentType: 'application/vnd.apple.mpegurl' };
    }
    return json(404, { error: 'not found' });
  }

  private task(c: Camera, action: string): SimReply {
    // Read-only users may watch live video; anything else is control (document §1.1.5).
    if (action !== 'livecommand' && !c.permissions.some((p) => p === 'a' || p === 'w')) return json(403, { error: 'Forbidden' });
    if (!c.online) return json(200, { result: 'camera offline' });
    const now = Date.now();
    if (action === 'livecommand') {
      if (!c.liveUntil) c.liveSince = now;
      c.liveUntil = now + this.simMs(60);
      this.push(c.logger, { type: 'liveSession', data: this.status(c) });
    } else if (action === 'triggerevent') {
      if (!c.openAlert) {
        c.openAlert = { alert: Math.floor(now / 1000) + c.alerts.length, startt: now, endtt: null, rom: 1, smx: '00', aud: null, tz: c.tz, type: 'motion', has_hdstill: 0 };
        c.alerts.unshift(c.openAlert);
      }
      c.triggerUntil = now + this.simMs(20);
    } else if (action === 'capturethumb') {
      c.lastthumb = Math.max(c.lastthumb + 1, Math.floor(now / 1000));
    } else if (action === 'capturestill') {
      c.laststill = Math.max(c.laststill + 1, Math.floor(now / 1000));
    } else if (/^(ptz_(up|down|left|right|in|out)|ptzstart_(up|down|left|right|in|out)|ptzstop)$/.test(action)) {
      if (!c.phoneid.startsWith('DS-')) return json(200, { result: 'ptz not supported' });
      c.ptz.push(action);
    } else {
      return json(400, { error: `unknown action ${action}` });
    }
    return json(200, { result: 'request sent to camera' });
  }

  private wowzaHandle(i: number, req: SimRequest): SimReply {
    this.tick();
    if (!this.tokenOk(req.url.searchParams.get('userToken'))) return json(401, { error: 'Unauthorized' });
    const parts = req.url.pathname.split('/').filter(Boolean);
    const c = this.cameras.find((x) => x.streamname === parts[1] && x.wowza === i);
    if (parts[0] !== 'manything' || !c || !(c.online && c.liveUntil > Date.now())) return json(404, { error: 'stream not found' });
    if (parts[2] === 'playlist.m3u8') {
      return { status: 200, bytes: Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=1280x720\nchunklist_w1.m3u8\n'), contentType: 'application/vnd.apple.mpegurl' };
    }
    if (parts[2] === 'chunklist_w1.m3u8') {
      const seq = Math.floor((Date.now() - c.liveSince) / 2000);
      // the live loop is 3 sample segments: each wrap back to the first is a timestamp discontinuity
      const wrapsBefore = seq === 0 ? 0 : Math.floor((seq - 1) / 3);
      const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${seq}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${wrapsBefore}`];
      for (let n = seq; n < seq + 3; n++) {
        if (n > 0 && n % 3 === 0) lines.push('#EXT-X-DISCONTINUITY');
        lines.push('#EXTINF:2.0,', `media_w1_${n}.ts`);
      }
      return { status: 200, bytes: Buffer.from(lines.join('\n') + '\n'), contentType: 'application/vnd.apple.mpegurl' };
    }
    const live = parts[2]?.match(/^media_w1_(\d+)\.ts$/);
    if (live) return { status: 200, bytes: sampleVideo().live[Number(live[1]) % 3]!, contentType: 'video/mp2t' };
    return json(404, { error: 'not found' });
  }

  /** /cameras/realtime/live: messages as SSE `data:` lines for this logger's cameras, until cut. */
  private feed(i: number, req: SimRequest, res: ServerResponse): boolean {
    if (!req.url.pathname.startsWith('/cameras/realtime/live')) return false;
    if (!this.tokenOk(this.headerToken(req))) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"Unauthorized"}');
      return true;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': connected\n\n');
    if (this.endlessFeeds > 0) {
      this.endlessFeeds -= 1;
      this.endlessMessage(res);
      return true;
    }
    const entry = { logger: i, res };
    this.feeds.add(entry);
    const cut = setTimeout(() => res.end(), this.simMs(300));
    res.on('close', () => {
      clearTimeout(cut);
      this.feeds.delete(entry);
    });
    return true;
  }

  /** A message that opens and never closes: 64 KiB blocks of one string, as fast as the client reads. */
  private endlessMessage(res: ServerResponse): void {
    const stat = { sent: 0, closed: false };
    this.endless.push(stat);
    const block = Buffer.alloc(64 * 1024, 0x78);
    res.on('close', () => void (stat.closed = true));
    res.on('error', () => undefined);
    res.write('data: {"type":"alert","data":{"note":"');
    const pump = () => {
      while (!stat.closed) {
        stat.sent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
    };
    pump();
  }

  private push(logger: number, message: { type: string; data: unknown }): void {
    const text = `data: ${JSON.stringify(message)}\n\n`;
    for (const f of this.feeds) if (f.logger === logger) f.res.write(text);
  }

  /** Drops every open feed, optionally in the middle of a message. */
  private dropFeeds(midMessage: boolean): { dropped: number } {
    const n = this.feeds.size;
    for (const f of this.feeds) {
      if (midMessage) f.res.write('data: {"type":"liveSession","data":{"uidd":"');
      f.res.destroy();
    }
    this.feeds.clear();
    return { dropped: n };
  }
}
