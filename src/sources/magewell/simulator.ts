import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SimServer, type SimReply, type SimRequest } from '../sim-server.js';
import { samplePicture } from '../sample-pictures.js';
import {
  DISK,
  DISK_TYPE,
  ONLINE_UPDATE_STEPS,
  RESULT,
  SERVER_TYPE,
  STATUS,
  type WireInfo,
  type WireMediaFile,
  type WireSettings,
  type WireStatus,
  type WireStreamServer,
} from './wire.js';

export interface MagewellSimOptions {
  /** How many encoders; each gets its own port. */
  encoders?: number;
  username?: string;
  password: string;
  /** Simulated seconds per real second: recordings grow, live streams connect and updates run this much faster. */
  timeScale?: number;
}

/** codec-cap, rec-control and ranges exactly as the document's get-info example lists them. */
const CODEC_CAP: NonNullable<WireInfo['codec-cap']> = {
  resolutions: [
    [480, 360], [640, 360], [640, 480], [720, 480], [720, 576], [768, 576], [800, 600], [960, 540], [1024, 768],
    [1280, 720], [1280, 800], [1280, 960], [1280, 1024], [1440, 900], [1440, 1080], [1600, 1200], [1920, 1080],
  ].map(([w, h]) => ({ w: w!, h: h! })),
  durations: [
    ['15 FPS', 666667], ['24 FPS', 416667], ['25 FPS', 400000], ['29.97 FPS', 333667], ['30 FPS', 333333],
    ['50 FPS', 200000], ['59.94 FPS', 166833], ['60 FPS', 166667],
  ].map(([name, value]) => ({ name: name as string, value: value as number })),
  profile: [{ name: 'Baseline', value: 0 }, { name: 'Main profile', value: 1 }, { name: 'High profile', value: 2 }],
  'hevc-profile': [{ name: 'Main profile', value: 0 }],
  'video-kbps': [256, 512, 768, 1024, 1536, 2048, 3072, 4096, 8192].map((value) => ({ name: `${value} Kbps`, value })),
  'audio-kbps': [16, 32, 48, 64, 96, 128].map((value) => ({ name: `${value} Kbps`, value })),
  'gop-sec': [1, 2, 5, 10, 30, 60].map((value) => ({ name: `${value} sec`, value })),
  'video-range': [{ name: 'Full range (0-255)', value: 1 }, { name: 'Limited range (16-235)', value: 0 }],
  'stat-sec': [1, 5, 10, 30, 60].map((value) => ({ name: `${value} sec`, value })),
  'video-codec': [{ name: 'H.264', value: 0 }, { name: 'HEVC', value: 1 }],
};
const TIME_UNITS = [5, 10, 30, 40, 50, 60, 90, 120];
/** Simulated seconds: an online check; each step of an online update (download, write); a format; a reboot. */
const CHECK_SECS = 2;
const UPDATE_STEP_SECS = 30;
const FORMAT_SECS = 20;
/** After `reboot` the encoder still answers ping (saying it reboots) for a second, then nothing until it is back. */
const REBOOT_ANSWERS_SECS = 1;
const REBOOT_SECS = 30;
const NAMES = ['Lecture Hall A', 'Studio B', 'Chapel', 'Gym', 'Board Room', 'Auditorium', 'Newsroom', 'Lab 3'];
const FOLDER = 'REC_Folder';

interface SimFile extends Omit<WireMediaFile, 'create-time'> {
  disk: number;
  /** When it was created; get-media-files shows it on the encoder's clock. */
  at: number;
  /** real ms when recording started, while status is 0 */
  since?: number;
}

interface EncoderState {
  sn: string;
  name: string;
  model: string;
  firmware: string;
  available: string;
  sessions: string[];
  signal: boolean;
  recordingSince: number | null;
  liveSince: number | null;
  /** The clock's IANA zone (get-settings date-time, set-date-time). */
  timeZone: string;
  checkSince: number | null;
  /** check-upgrade result: 27 idle, 2 running, 0 found, negative failed until clear-check-update. */
  checkResult: number;
  upgradeSince: number | null;
  /** upgrade-status result: 27 idle, 2 running, negative failed until clear-upgrade. */
  upgradeResult: number;
  /** Faults: the next check / update fails with this result (the update halfway through its download). */
  checkFails: number | null;
  updateFails: number | null;
  rebootSince: number | null;
  usb: boolean;
  sd: boolean;
  /** disk-status of an inserted USB drive / SD card (full, read-only, ...); valid unless set. */
  diskStatus: [number, number];
  formatting: { disk: number; since: number } | null;
  /** format-status result: 27 idle, 0 done, negative failed, until clear-format-usb / -sd. */
  formatResult: number;
  files: SimFile[];
  fileSeq: number;
  main: NonNullable<WireSettings['main-stream']>;
  audioKbps: number;
  recControl: NonNullable<WireSettings['rec-control']>;
  servers: WireStreamServer[];
  serverSeq: number;
  users: { id: string; type: number }[];
  /** Fault: get-media-files answers the first page whatever `start` says. */
  ignorePaging: boolean;
}

const ok = (extra: object = {}): SimReply => ({ status: 200, json: { result: RESULT.succeed, ...extra } });
const fail = (result: number): SimReply => ({ status: 200, json: { result } });

/** "2019-09-25 06:35:21" on a clock in `zone`, as the encoder shows times. */
function deviceTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One simulated Ultra Stream encoder on its own port: usapi, the 8080-style /download path and the snapshot. */
class EncoderSim {
  readonly server: SimServer;
  readonly s: EncoderState;
  port = 0;

  constructor(
    index: number,
    private readonly username: string,
    private readonly passHash: string,
    private readonly timeScale: number,
  ) {
    const sn = `C30119${String(1100000 + index).padStart(7, '0')}`.slice(0, 13);
    const now = Date.now();
    this.s = {
      sn,
      name: `${NAMES[index % NAMES.length]} Encoder`,
      model: index % 2 === 0 ? 'Ultra Stream HDMI' : 'Ultra Stream SDI',
      firmware: '1.2.122',
      available: index % 2 === 0 ? '1.2.123' : '1.2.122',
      sessions: [],
      signal: true,
      recordingSince: null,
      liveSince: null,
      timeZone: 'UTC',
      checkSince: null,
      checkResult: RESULT.init,
      upgradeSince: null,
      upgradeResult: RESULT.init,
      checkFails: null,
      updateFails: null,
      rebootSince: null,
      usb: true,
      sd: true,
      diskStatus: [DISK.valid, DISK.valid],
      formatting: null,
      formatResult: RESULT.init,
      files: [],
      fileSeq: 1,
      main: { 'is-auto': 0, codec: 0, cx: 1920, cy: 1080, duration: 333333, kbps: 4096, gop: 1, fourcc: 0, profile: 2, cbrstat: 60, fullrange: 0 },
      audioKbps: 128,
      recControl: { 'mime-type': 0, 'usb-option': 1, 'sd-option': 1, 'root-folder': FOLDER, 'time-unit': 5 },
      servers: [],
      serverSeq: 0,
      users: [
        { id: 'Admin', type: 1 },
        { id: 'operator', type: 2 },
      ],
      ignorePaging: false,
    };
    // Earlier recordings, one on each disk.
    for (const [disk, hoursAgo] of [[0, 26], [1, 3]] as const) this.addFile(disk, now - hoursAgo * 3600_000);
    this.server = new SimServer(
      (req) => this.handle(req),
      (req) => `${req.method} ${req.url.pathname === '/usapi' ? req.url.searchParams.get('method') : req.url.pathname.split('/').slice(0, 2).join('/')}`,
      {
        'expire-session': () => void (this.s.sessions = []),
        reboot: () => this.reboot(),
        signal: (b) => void (this.s.signal = Boolean(b.present)),
        disks: (b) => {
          if (typeof b.usb === 'boolean') this.s.usb = b.usb;
          if (typeof b.sd === 'boolean') this.s.sd = b.sd;
        },
        state: () => {
          this.tick();
          return { sn: this.s.sn, sessions: this.s.sessions.length, main: { ...this.s.main }, timeZone: this.s.timeZone, rebooting: this.s.rebootSince !== null };
        },
        // `count` finished recordings on a disk, a minute apart, the newest starting at `at` (default an hour ago).
        'add-files': (b) => {
          const newest = typeof b.at === 'string' ? Date.parse(b.at) : Date.now() - 3600_000;
          for (let i = 0; i < Number(b.count); i++) this.addFile(Number(b.disk ?? 0), newest - i * 60_000);
        },
        'ignore-paging': (b) => void (this.s.ignorePaging = Boolean(b.on)),
        // As if set on the encoder's own web page.
        'date-time': (b) => {
          if (typeof b.timezone === 'string' && knownZone(b.timezone)) this.s.timeZone = b.timezone;
        },
        'main-stream': (b) => {
          for (const [k, v] of Object.entries(b)) if (k in this.s.main && typeof v === 'number') (this.s.main as unknown as Record<string, number>)[k] = v;
        },
        // disk-status codes of the inserted disks (e.g. 0x03 full, 0x04 not writable, 0x06 invalid).
        'disk-status': (b) => {
          if (typeof b.usb === 'number') this.s.diskStatus[DISK_TYPE.usb] = b.usb;
          if (typeof b.sd === 'number') this.s.diskStatus[DISK_TYPE.sd] = b.sd;
        },
        // Faults: the next online check / update fails with this result code.
        firmware: (b) => {
          if (typeof b.checkFails === 'number') this.s.checkFails = b.checkFails;
          if (typeof b.updateFails === 'number') this.s.updateFails = b.updateFails;
          if (typeof b.available === 'string') this.s.available = b.available;
        },
      },
      (_req, res) => this.unreachable(res),
    );
  }

  /**
   * Every device request passes here first: time-driven state advances, and between its first second of
   * rebooting and its return the encoder answers nothing (the connection drops).
   */
  private unreachable(res: ServerResponse): boolean {
    this.tick();
    if (!this.down()) return false;
    res.socket?.destroy();
    return true;
  }

  private down(): boolean {
    if (this.s.rebootSince === null) return false;
    const secs = this.simSecs(this.s.rebootSince);
    return secs >= REBOOT_ANSWERS_SECS && secs < REBOOT_SECS;
  }

  private addFile(disk: number, start: number): void {
    const n = this.s.fileSeq++;
    this.s.files.push({
      disk,
      name: `VID_${n}.mp4`,
      'thumbnail-name': `VID_${n}.mp4_${Math.floor(start / 1000)}`,
      status: 1,
      at: start,
      'size-bytes': 300 * 4096 * 125,
      duration: 300_000,
      width: 1920,
      height: 1080,
      interval: 333333,
      codec: 0,
    });
  }

  private reboot(): void {
    this.s.sessions = [];
    this.s.recordingSince = null;
    this.s.liveSince = null;
    for (const f of this.s.files) if (f.status === 0) f.status = 1;
  }

  /** Simulated seconds since a real-time instant. */
  private simSecs(sinceMs: number): number {
    return ((Date.now() - sinceMs) / 1000) * this.timeScale;
  }

  /** Advances time-driven state: growing files, the update check, firmware update progress, formats, reboots. */
  private tick(): void {
    const s = this.s;
    for (const f of s.files) {
      if (f.status === 0 && f.since !== undefined) {
        const secs = this.simSecs(f.since);
        f.duration = Math.round(secs * 1000);
        f['size-bytes'] = Math.round(secs * s.main.kbps * 125);
      }
    }
    if (s.checkSince !== null && this.simSecs(s.checkSince) >= CHECK_SECS) {
      s.checkSince = null;
      s.checkResult = s.checkFails ?? RESULT.succeed;
      s.checkFails = null;
    }
    if (s.upgradeSince !== null && s.updateFails !== null && this.simSecs(s.upgradeSince) >= UPDATE_STEP_SECS / 2) {
      s.upgradeSince = null;
      s.upgradeResult = s.updateFails;
      s.updateFails = null;
    }
    if (s.upgradeSince !== null && this.simSecs(s.upgradeSince) >= UPDATE_STEP_SECS * ONLINE_UPDATE_STEPS) {
      s.upgradeSince = null;
      s.upgradeResult = RESULT.init;
      s.firmware = s.available;
      this.reboot();
    }
    if (s.formatting && this.simSecs(s.formatting.since) >= FORMAT_SECS) {
      const disk = s.formatting.disk;
      s.files = s.files.filter((f) => f.disk !== disk);
      s.diskStatus[disk] = DISK.valid;
      s.formatting = null;
      s.formatResult = RESULT.succeed;
    }
    if (s.rebootSince !== null && this.simSecs(s.rebootSince) >= REBOOT_SECS) s.rebootSince = null;
  }

  /** The status mask as the caller with session `sid` sees it: occupied means held by some other app. */
  private mask(sid: string | null = null): number {
    const s = this.s;
    let m = STATUS.passwd;
    if (s.usb) m |= STATUS.diskReady;
    if (s.recordingSince !== null) m |= STATUS.record;
    if (s.liveSince !== null) m |= STATUS.living;
    if (s.servers.some((x) => x['is-use'] === 1)) m |= STATUS.rtmpReady;
    if (s.upgradeSince !== null) m |= STATUS.upgrade;
    if (s.checkSince !== null) m |= STATUS.checkUpgrade;
    if (s.sessions.some((x) => x !== sid)) m |= STATUS.occupied;
    if (s.formatting) m |= s.formatting.disk === DISK_TYPE.usb ? STATUS.formatDisk : STATUS.formatSD;
    if (s.rebootSince !== null) m |= STATUS.reboot;
    return m;
  }

  /** upgrade-status: an online update downloads (step 1), then writes (step 2); percent is of the step. */
  private upgradeStatus(): NonNullable<WireStatus['upgrade-status']> {
    const s = this.s;
    if (s.upgradeSince === null) return { step: 0, percent: 0, result: s.upgradeResult, mode: s.upgradeResult === RESULT.init ? 'none' : 'online' };
    const secs = this.simSecs(s.upgradeSince);
    const step = Math.min(Math.floor(secs / UPDATE_STEP_SECS), ONLINE_UPDATE_STEPS - 1);
    return { step: step + 1, percent: Math.min(99, Math.floor(((secs - step * UPDATE_STEP_SECS) / UPDATE_STEP_SECS) * 100)), result: RESULT.running, mode: 'online' };
  }

  private liveResult(): number {
    if (this.s.liveSince === null) return RESULT.init;
    const t = this.simSecs(this.s.liveSince);
    return t < 1 ? RESULT.livingDNS : t < 2 ? RESULT.livingConnecting : RESULT.livingConnected;
  }

  info(): WireInfo {
    return {
      result: 0,
      'mac-addr': { eth: '70:b3:d5:75:d5:fc', wifi: '70:b3:d5:75:d5:fd' },
      snapshot: '/tmp/sbox-snapshot/sbox-quarter.jpg',
      product: {
        sn: this.s.sn,
        'product-id': 769,
        'hardware-ver': 'C',
        'firmware-ver-s': this.s.firmware,
        'factory-firmware-ver-s': '1.2.115',
        'product-name': 'Ultra Stream',
        'module-name': this.s.model,
        'manu-name': 'MAGEWELL',
        'max-lock-count': 2,
      },
      'codec-cap': CODEC_CAP,
      'rec-control': {
        'usb-option': [{ name: "Don't record", value: 0 }, { name: 'Ordinary recording', value: 1 }],
        'sd-option': [{ name: "Don't record", value: 0 }, { name: 'Ordinary recording', value: 1 }, { name: 'Loop recording', value: 2 }],
        'time-unit': TIME_UNITS.map((value) => ({ name: `${value} minutes`, value })),
        'file-ext': [{ name: 'mp4', value: 0 }, { name: 'mov', value: 1 }],
      },
    };
  }

  private disk(present: boolean, disk: number) {
    if (!present) return { 'disk-status': DISK.notDisk, 'total-size': 0, 'used-size': 0, 'free-size': 0 };
    const total = disk === 0 ? 61638148096 : 31895175168;
    const used = this.s.files.filter((f) => f.disk === disk).reduce((n, f) => n + (f['size-bytes'] ?? 0), 0);
    return { 'disk-status': this.s.diskStatus[disk]!, 'total-size': total, 'used-size': used, 'free-size': total - used, 'file-count': this.s.files.filter((f) => f.disk === disk).length };
  }

  status(sid: string | null = null): WireStatus {
    const s = this.s;
    const enabled = s.servers.filter((x) => x['is-use'] === 1);
    const live = this.liveResult();
    const bps = s.main.kbps * 1000;
    return {
      result: 0,
      'cur-status': this.mask(sid),
      'cur-time': deviceTime(Date.now(), s.timeZone),
      'box-name': s.name,
      'rec-status': { result: s.recordingSince !== null ? RESULT.running : RESULT.init, 'run-ms': s.recordingSince !== null ? Math.round(this.simSecs(s.recordingSince) * 1000) : 0, 'cur-bps': s.recordingSince !== null ? bps : 0, 'avg-bps': 0 },
      'live-status': {
        result: enabled.length > 0 ? live : RESULT.init,
        'run-ms': s.liveSince !== null ? Math.round(this.simSecs(s.liveSince) * 1000) : 0,
        'cur-bps': live === RESULT.livingConnected ? bps : 0,
        'avg-bps': 0,
        net: 1,
        result2: enabled.length > 1 ? live : RESULT.init,
        'cur-bps2': enabled.length > 1 && live === RESULT.livingConnected ? bps : 0,
        net2: 1,
      },
      'upgrade-status': this.upgradeStatus(),
      'check-upgrade': { result: s.checkSince !== null ? RESULT.running : s.checkResult },
      'format-status': s.formatting
        ? { result: RESULT.running, percent: Math.min(99, Math.floor((this.simSecs(s.formatting.since) / FORMAT_SECS) * 100)) }
        : { result: s.formatResult, percent: s.formatResult === RESULT.succeed ? 100 : 0 },
      'input-signal': s.signal
        ? { status: 1, cx: 1920, cy: 1080, interlaced: 0, 'frame-rate': 60, 'sample-rate': 48000 }
        : { status: 0, cx: 0, cy: 0, interlaced: 0, 'frame-rate': 0, 'sample-rate': 0 },
      usb: this.disk(s.usb, 0),
      sd: this.disk(s.sd, 1),
      upgrade: s.checkResult === RESULT.succeed ? { ver: s.available, date: '2019-10-01 00:00:00', 'size-byte': 12004784 } : { ver: '', date: '', 'size-byte': 0 },
    };
  }

  settings(): WireSettings {
    const s = this.s;
    return {
      result: 0,
      name: s.name,
      passwd: 1,
      'is-ssdp': 1,
      'is-auto-rec': 0,
      'is-auto-live': 0,
      softap: { 'is-softap': 1, 'is-visible': 1, 'softap-ssid': s.sn, 'softap-passwd': s.sn.slice(-8) },
      'date-time': { timezone: s.timeZone, 'is-auto': 1 },
      'rec-control': { ...s.recControl },
      'rec-stream': 0,
      'live-stream': 0,
      'main-stream': { ...s.main },
      'sub-stream': { cx: 1024, cy: 768, duration: 333333, kbps: 1024, gop: 1, fourcc: 0, profile: 2, cbrstat: 60, fullrange: 1 },
      audio: { 'sample-rate': 48000, channels: 2, kbps: s.audioKbps },
      'stream-server': s.servers.map((x) => ({ ...x })),
    };
  }

  private sid(req: SimRequest): string | null {
    return (req.headers.cookie ?? '').match(/(?:^|;\s*)sid=([^;]+)/)?.[1] ?? null;
  }

  private session(req: SimRequest): boolean {
    const sid = this.sid(req);
    return !!sid && this.s.sessions.includes(sid);
  }

  private handle(req: SimRequest): SimReply | Promise<SimReply> {
    const path = req.url.pathname;
    if (path === '/usapi') return this.usapi(req);
    if (!this.session(req)) return { status: 403, json: { result: RESULT.errNeedAuth } };
    if (path === '/tmp/sbox-snapshot/sbox-quarter.jpg') return { status: 200, bytes: samplePicture(this.s.sn), contentType: 'image/jpeg' };
    if (path.startsWith('/download/')) {
      const full = decodeURIComponent(path.slice('/download'.length));
      const f = this.s.files.find((x) => `${this.folder(x.disk)}/${x.name}` === full);
      if (f) return { status: 200, bytes: Buffer.from(`simulated ${f.name}\n`), contentType: 'video/mp4' };
      const t = this.s.files.find((x) => `${this.folder(x.disk)}/thumbnail/${x['thumbnail-name']}.jpg` === full);
      if (t) return { status: 200, bytes: samplePicture(t.name), contentType: 'image/jpeg' };
    }
    return { status: 404, json: { result: RESULT.errNotFound } };
  }

  private folder(disk: number): string {
    return `/media/disk${disk}/${this.s.recControl['root-folder'] ?? FOLDER}`;
  }

  private usapi(req: SimRequest): SimReply {
    const q = req.url.searchParams;
    const method = q.get('method') ?? '';
    const s = this.s;
    if (method === 'ping') return ok({ 'cur-status': this.mask(this.sid(req)) });
    if (method === 'login') {
      if (s.rebootSince !== null) return fail(RESULT.errBusy);
      if (q.get('id') !== this.username || q.get('pass') !== this.passHash) return fail(RESULT.loginRefused);
      // At most two apps may hold the device.
      if (s.sessions.length >= 2) return fail(RESULT.errOccupied);
      const sid = randomBytes(16).toString('hex');
      s.sessions.push(sid);
      return { status: 200, json: { result: 0 }, headers: { 'set-cookie': `sid=${sid}; Path=/` } };
    }
    if (!this.session(req)) return fail(RESULT.errNeedAuth);
    const num = (k: string) => Number(q.get(k));
    switch (method) {
      case 'logout': {
        const sid = this.sid(req);
        s.sessions = s.sessions.filter((x) => x !== sid);
        return ok();
      }
      case 'get-info':
        return { status: 200, json: this.info() };
      case 'get-status':
        return { status: 200, json: this.status(this.sid(req)) };
      case 'set-date-time': {
        const zone = q.get('timezone') ?? '';
        if (!knownZone(zone)) return fail(RESULT.errParam);
        s.timeZone = zone;
        return ok();
      }
      case 'get-settings':
        return { status: 200, json: this.settings() };
      case 'get-users':
        return ok({ users: s.users });
      case 'set-name': {
        const name = q.get('name') ?? '';
        if (!/^[A-Za-z0-9._\-+'[\]() ]{1,32}$/.test(name) || name.trim() !== name) return fail(RESULT.errString);
        s.name = name;
        return ok();
      }
      case 'start-rec': {
        if (!s.signal) return fail(RESULT.errNoSignal);
        if (!s.usb && !s.sd) return fail(RESULT.errDisk);
        if (s.recordingSince !== null) return fail(RESULT.repeat);
        s.recordingSince = Date.now();
        const now = Date.now();
        for (const disk of [0, 1]) {
          if ((disk === 0 && (!s.usb || s.recControl['usb-option'] === 0)) || (disk === 1 && (!s.sd || s.recControl['sd-option'] === 0))) continue;
          const n = s.fileSeq++;
          s.files.push({
            disk,
            since: now,
            at: now,
            name: `VID_${n}.mp4`,
            'thumbnail-name': `VID_${n}.mp4_${Math.floor(now / 1000)}`,
            status: 0,
            'size-bytes': 0,
            duration: 0,
            width: s.main.cx,
            height: s.main.cy,
            interval: s.main.duration,
            codec: s.main.codec ?? 0,
          });
        }
        return ok();
      }
      case 'stop-rec':
        if (s.recordingSince === null) return fail(RESULT.repeat);
        this.tick();
        s.recordingSince = null;
        for (const f of s.files) if (f.status === 0) (f.status = 1), delete f.since;
        return ok();
      case 'start-live':
        if (!s.servers.some((x) => x['is-use'] === 1)) return fail(RESULT.livingNotset);
        if (!s.signal) return fail(RESULT.errNoSignal);
        s.liveSince ??= Date.now();
        return ok();
      case 'stop-live':
        if (s.liveSince === null) return fail(RESULT.repeat);
        s.liveSince = null;
        return ok();
      case 'add-server': {
        const type = num('type');
        if (s.servers.length >= 16) return fail(RESULT.errChannelsLimited);
        if (![0, 1, 2, 3, 100].includes(type)) return fail(RESULT.errParam);
        const url = q.get('url') ?? '';
        const key = q.get('key') ?? '';
        if (type !== SERVER_TYPE.rtsp && (!url || !key)) return fail(RESULT.errLiveParam);
        if (s.servers.some((x) => x.type === type && x.url === url && x.key === key)) return fail(RESULT.errSameName);
        s.servers.push({ id: s.serverSeq++, type, url, key, 'is-auth': num('is-auth') || 0, user: '', passwd: '', 'is-use': 0, token: '', 'net-mode': num('net-mode') || 1, name: q.get('name') ?? url });
        return ok();
      }
      case 'enable-server': {
        const server = s.servers.find((x) => x.id === num('id'));
        if (!server) return fail(RESULT.errNotFound);
        if (num('is-use') === 1 && server['is-use'] !== 1) {
          const enabled = s.servers.filter((x) => x['is-use'] === 1);
          if (enabled.length >= 2) return fail(RESULT.errChannelsLimited);
          if (enabled.length >= 1 && s.main.kbps > 4096) return fail(RESULT.err8MLimited);
        }
        server['is-use'] = num('is-use') === 1 ? 1 : 0;
        if (!s.servers.some((x) => x['is-use'] === 1)) s.liveSince = null;
        return ok();
      }
      case 'del-server': {
        const i = s.servers.findIndex((x) => x.id === num('id'));
        if (i < 0) return fail(RESULT.errNotFound);
        s.servers.splice(i, 1);
        return ok();
      }
      case 'set-video': {
        // The whole format is required (as the document's request has it); the reserved and quality values may be left out.
        const okAuto = q.get('is-auto') === '0' || q.get('is-auto') === '1';
        const okRes = CODEC_CAP.resolutions!.some((r) => r.w === num('cx') && r.h === num('cy'));
        const okKbps = CODEC_CAP['video-kbps']!.some((v) => v.value === num('kbps'));
        const okDur = CODEC_CAP.durations!.some((v) => v.value === num('duration'));
        const okGop = CODEC_CAP['gop-sec']!.some((v) => v.value === num('gop'));
        if (!okAuto || !okRes || !okKbps || !okDur || !okGop) return fail(RESULT.errParam);
        if (num('kbps') > 4096 && s.servers.filter((x) => x['is-use'] === 1).length > 1) return fail(RESULT.err8MLimited);
        const kept = (k: 'codec' | 'fourcc' | 'profile' | 'cbrstat' | 'fullrange') => (q.has(k) ? num(k) : s.main[k]);
        s.main = {
          'is-auto': num('is-auto'),
          cx: num('cx'),
          cy: num('cy'),
          kbps: num('kbps'),
          duration: num('duration'),
          gop: num('gop'),
          codec: kept('codec'),
          fourcc: kept('fourcc'),
          profile: kept('profile'),
          cbrstat: kept('cbrstat'),
          fullrange: kept('fullrange'),
        };
        return ok();
      }
      case 'set-audio':
        if (!CODEC_CAP['audio-kbps']!.some((v) => v.value === num('kbps'))) return fail(RESULT.errParam);
        s.audioKbps = num('kbps');
        return ok();
      case 'set-rec-control': {
        const unit = num('time-unit');
        if (!TIME_UNITS.includes(unit)) return fail(RESULT.errRecParam);
        if (unit * 60 * s.main.kbps * 125 > 4 * 1024 ** 3) return fail(RESULT.err4GLimited);
        s.recControl = { ...s.recControl, 'usb-option': num('usb-option'), 'sd-option': num('sd-option'), 'time-unit': unit, 'root-folder': q.get('root-folder') ?? FOLDER };
        return ok();
      }
      case 'get-media-files': {
        const disk = num('disk-type');
        if ((disk === 0 && !s.usb) || (disk === 1 && !s.sd)) return fail(RESULT.errDisk);
        const files = s.files.filter((f) => f.disk === disk);
        const start = s.ignorePaging ? 0 : num('start') || 0;
        const count = num('count') || 10;
        return ok({
          path: this.folder(disk),
          thumbnail: 'thumbnail',
          'media-files': files
            .slice(start, start + count)
            .map(({ disk: _d, since: _s, at, ...wire }): WireMediaFile => ({ ...wire, 'create-time': deviceTime(at, s.timeZone) })),
        });
      }
      case 'del-media-files': {
        let body: { 'disk-type'?: number; 'media-files'?: string[] };
        try {
          body = JSON.parse(req.body) as typeof body;
        } catch {
          return fail(RESULT.errParam);
        }
        const names = body['media-files'] ?? [];
        const targets = s.files.filter((f) => f.disk === body['disk-type'] && names.includes(f.name));
        if (targets.length !== names.length) return fail(RESULT.errNotFound);
        if (targets.some((f) => f.status === 0)) return fail(RESULT.errBusy);
        s.files = s.files.filter((f) => !targets.includes(f));
        return ok();
      }
      // A failed check or update holds its result, and the device refuses another, until it is cleared.
      case 'online-update-check':
        if (s.upgradeSince !== null || s.checkResult < 0) return fail(RESULT.errBusy);
        if (s.checkSince !== null) return fail(RESULT.repeat);
        s.checkSince = Date.now();
        s.checkResult = RESULT.running;
        return ok();
      case 'clear-check-update':
        s.checkSince = null;
        s.checkResult = RESULT.init;
        return ok();
      case 'update':
        if (s.upgradeResult < 0 || s.checkSince !== null || s.formatting?.disk === DISK_TYPE.usb) return fail(RESULT.errBusy);
        if (q.get('mode') !== 'online' || s.checkResult !== RESULT.succeed || s.available === s.firmware) return fail(RESULT.errVersion);
        if (s.upgradeSince !== null) return fail(RESULT.repeat);
        s.upgradeSince = Date.now();
        return ok();
      case 'clear-upgrade':
        if (s.upgradeSince !== null) return fail(RESULT.errBusy);
        s.upgradeResult = RESULT.init;
        return ok();
      case 'start-format-usb':
      case 'start-format-sd': {
        const disk = method === 'start-format-usb' ? DISK_TYPE.usb : DISK_TYPE.sd;
        if (s.formatting) return fail(RESULT.repeat);
        if (s.upgradeSince !== null || s.rebootSince !== null || s.recordingSince !== null || s.formatResult !== RESULT.init) return fail(RESULT.errBusy);
        const present = disk === DISK_TYPE.usb ? s.usb : s.sd;
        if (!present || (s.diskStatus[disk]! & DISK.valid) !== DISK.valid) return fail(RESULT.errDisk);
        s.formatting = { disk, since: Date.now() };
        return ok();
      }
      case 'clear-format-usb':
      case 'clear-format-sd':
        if (s.formatting) return fail(RESULT.errBusy);
        s.formatResult = RESULT.init;
        return ok();
      case 'reboot':
        this.reboot();
        s.rebootSince = Date.now();
        return ok();
      default:
        return fail(RESULT.errParam);
    }
  }
}

/**
 * Many simulated Ultra Stream encoders in one process, each on its own loopback port, stateful as the
 * document describes. An encoder can be made unreachable (its port closes) and brought back.
 */
export class MagewellSimulator {
  readonly encoders: EncoderSim[];

  constructor(options: MagewellSimOptions) {
    const passHash = createHash('md5').update(options.password).digest('hex');
    this.encoders = Array.from(
      { length: options.encoders ?? 4 },
      (_, i) => new EncoderSim(i, options.username ?? 'Admin', passHash, options.timeScale ?? 1),
    );
  }

  /** Starts every encoder; returns their base URLs. */
  async listen(host = '127.0.0.1'): Promise<string[]> {
    return Promise.all(
      this.encoders.map(async (e) => {
        const url = await e.server.listen(e.port, host);
        e.port = Number(new URL(url).port);
        return url;
      }),
    );
  }

  serial(i: number): string {
    return this.encoders[i]!.s.sn;
  }

  /** Makes encoder i unreachable (connection refused) until bring back. */
  async unplug(i: number): Promise<void> {
    await this.encoders[i]!.server.close();
  }

  async plugIn(i: number, host = '127.0.0.1'): Promise<void> {
    const e = this.encoders[i]!;
    await e.server.listen(e.port, host);
  }

  async close(): Promise<void> {
    await Promise.all(this.encoders.map((e) => e.server.close()));
  }
}
