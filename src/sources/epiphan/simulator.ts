import { randomBytes } from 'node:crypto';
import { SimServer, type SimReply, type SimRequest } from '../sim-server.js';
import { WEBCASTER_X2_LIMITS, type WireChunk, type WireDevice, type WireTelemetry } from './wire.js';
import { samplePicture } from '../sample-pictures.js';

export interface EpiphanSimOptions {
  flavor: 'EPIPHAN_CLOUD' | 'AV_STUDIO';
  token: string;
  /** Devices besides the two demo devices every new account has. */
  fleetSize?: number;
  /** Simulated seconds per real second: recordings produce chunks this much faster. */
  timeScale?: number;
  /** Codes that pair a new device; each works once. */
  pairingCodes?: string[];
}

interface SimDevice {
  id: string;
  name: string;
  model: string;
  online: boolean;
  demo: boolean;
  stateTime: number;
  settings: { resolution: string; bitrate: number; chunk_duration: number };
  recordingSince: number | null;
  /** Real-time end of the last chunk produced while recording. */
  chunkCursor: number;
  chunks: WireChunk[];
  chunkSeq: number;
  /** `speed`: how fast the push keeps up with real time, as the device reports it (1 unless a test says). */
  rtmp: { url: string; since: number; speed: number } | null;
  afu: { enabled: boolean; queueSeconds: number; queueBytes: number; lastUpdate: number };
}

const MODELS = ['Webcaster X2', 'Pearl Mini', 'Pearl Nano', 'Pearl-2', 'Pearl Nexus'];

/** What a simulated model's firmware accepts for setparam. */
interface ModelFirmware {
  /** Exact frame sizes where the model has a fixed list; else any frame size up to maxFrame. */
  resolutions: readonly string[] | null;
  maxFrame: readonly [number, number];
  maxBitrateKbps: number;
  chunkDurationSeconds: readonly [number, number];
}

/**
 * The Webcaster X2 as the documents give it. The documents give no values for the other models: these are the
 * simulator's own, different per model, so tests see such a device decide for itself.
 */
const FIRMWARE: Record<string, ModelFirmware> = {
  'Webcaster X2': {
    resolutions: WEBCASTER_X2_LIMITS.resolutions,
    maxFrame: [1920, 1080],
    maxBitrateKbps: WEBCASTER_X2_LIMITS.maxBitrateKbps!,
    chunkDurationSeconds: WEBCASTER_X2_LIMITS.chunkDurationSeconds!,
  },
  'Pearl Mini': { resolutions: null, maxFrame: [1920, 1200], maxBitrateKbps: 12000, chunkDurationSeconds: [10, 7200] },
  'Pearl Nano': { resolutions: null, maxFrame: [1920, 1080], maxBitrateKbps: 8000, chunkDurationSeconds: [10, 7200] },
  'Pearl-2': { resolutions: null, maxFrame: [4096, 2160], maxBitrateKbps: 20000, chunkDurationSeconds: [5, 7200] },
  'Pearl Nexus': { resolutions: null, maxFrame: [3840, 2160], maxBitrateKbps: 16000, chunkDurationSeconds: [5, 7200] },
};

/** Why a model's firmware refuses a setparam value, or null. */
function firmwareRefusal(model: string, param: string, value: string): string | null {
  const fw = FIRMWARE[model];
  if (!fw) return `Bad parameter ${param}`;
  const n = Number(value);
  if (param === 'resolution') {
    const m = /^(\d+)x(\d+)$/.exec(value);
    const fits = fw.resolutions ? fw.resolutions.includes(value) : !!m && Number(m[1]) <= fw.maxFrame[0] && Number(m[2]) <= fw.maxFrame[1];
    return fits ? null : `${model} does not support resolution ${value}`;
  }
  if (param === 'bitrate') return Number.isInteger(n) && n > 0 && n <= fw.maxBitrateKbps ? null : `${model} bitrate must be 1 to ${fw.maxBitrateKbps}`;
  const [min, max] = fw.chunkDurationSeconds;
  return Number.isInteger(n) && n >= min && n <= max ? null : `${model} chunk_duration must be ${min} to ${max}`;
}

const ROOMS = [
  'Lecture Hall A', 'Lecture Hall B', 'Chapel', 'Studio 1', 'Studio 2', 'Board Room', 'Gym', 'Auditorium',
  'Library', 'Lab 3', 'Court 1', 'Newsroom', 'Theatre', 'Atrium', 'Room 204', 'Council Chamber',
];


function fakeMp4(seq: number): Buffer {
  const header = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  return Buffer.concat([header, Buffer.from(`avgraph simulated chunk ${seq}\n`)]);
}

/**
 * A stateful Epiphan Cloud / AV Studio v2 API, as the vendor documents describe it. Commands change what
 * later reads return; time runs `timeScale` times faster for recordings.
 */
export class EpiphanSimulator {
  readonly server: SimServer;
  readonly flavor: EpiphanSimOptions['flavor'];
  private readonly token: string;
  private readonly timeScale: number;
  private readonly devices = new Map<string, SimDevice>();
  private readonly pairingCodes: Set<string>;
  /**
   * Tasks to accept and not apply, per device id ("*": any device): how many more (Infinity: until turned off),
   * and whether they are held for POST /__sim/applyTasks (a queue the device picks up late) or dropped.
   */
  private readonly ignoring = new Map<string, { left: number; hold: boolean }>();
  /** Tasks accepted and held, in arrival order. */
  private held: { deviceId: string; body: string }[] = [];

  constructor(options: EpiphanSimOptions) {
    this.flavor = options.flavor;
    this.token = options.token;
    this.timeScale = options.timeScale ?? 1;
    this.pairingCodes = new Set(options.pairingCodes ?? ['5cf06c29', 'a1b2c3d4', 'feedbeef']);
    this.addDevice({ id: 'demo_0_d3d68f3c', name: 'My First Demo Device', model: 'Demo', demo: true });
    this.addDevice({ id: 'demo_1_4e0a964a-b350-435f-82c9-de6ab5188af2', name: 'My Second Demo Device', model: 'Demo', demo: true });
    for (let i = 0; i < (options.fleetSize ?? 8); i++) {
      const room = ROOMS[i % ROOMS.length]!;
      const d = this.addDevice({
        id: `${(0x5e000000 + i * 7919).toString(16)}${i}`,
        name: i < ROOMS.length ? room : `${room} ${Math.floor(i / ROOMS.length) + 1}`,
        model: MODELS[i % MODELS.length]!,
        demo: false,
      });
      if (i % 7 === 6) d.online = false;
      this.seedHistory(d, i);
    }
    this.server = new SimServer(
      (req) => this.handle(req),
      (req) => `${req.method} ${this.routeOf(req.url.pathname)}`,
      {
        offline: (b) => this.setOnline(String(b.deviceId), false),
        online: (b) => this.setOnline(String(b.deviceId), true),
        'pairing-code': (b) => void this.pairingCodes.add(String(b.code)),
        ignoreTasks: (b) => this.ignoreTasks(b),
        applyTasks: (b) => this.applyTasks(b),
        // POST /__sim/rtmp-speed {deviceId, speed}: a live RTMP push falls behind (or catches up).
        'rtmp-speed': (b) => {
          const d = this.devices.get(String(b.deviceId));
          if (!d?.rtmp || typeof b.speed !== 'number') return { ok: false };
          d.rtmp.speed = b.speed;
          return { ok: true };
        },
      },
    );
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  deviceIds(): string[] {
    return [...this.devices.keys()];
  }

  private setOnline(id: string, online: boolean) {
    const d = this.devices.get(id);
    if (!d) return { ok: false };
    d.online = online;
    d.stateTime = this.now();
    return { ok: true };
  }

  /**
   * POST /__sim/ignoreTasks {deviceId?, count? | on?, hold?}: the cloud answers tasks with 200 and the device does
   * not apply them, as when tasks wait in the cloud's queue for a device that does not pick them up. With `hold`,
   * they wait until POST /__sim/applyTasks: the device picks them up late.
   */
  private ignoreTasks(b: Record<string, unknown>) {
    const key = typeof b.deviceId === 'string' ? b.deviceId : '*';
    if (b.on === false || b.count === 0) this.ignoring.delete(key);
    else this.ignoring.set(key, { left: typeof b.count === 'number' ? b.count : Infinity, hold: b.hold === true });
    return { ok: true, ignoring: Object.fromEntries([...this.ignoring].map(([k, { left }]) => [k, Number.isFinite(left) ? left : 'on'])) };
  }

  /** POST /__sim/applyTasks {deviceId?}: the held tasks (of one device, or all) are applied now, in order. */
  private applyTasks(b: Record<string, unknown>) {
    const only = typeof b.deviceId === 'string' ? b.deviceId : null;
    const due = this.held.filter((t) => only === null || t.deviceId === only);
    this.held = this.held.filter((t) => !due.includes(t));
    let applied = 0;
    for (const t of due) {
      const d = this.devices.get(t.deviceId);
      if (d && this.task(d, t.body).status === 200) applied++;
    }
    return { ok: true, applied };
  }

  /** Whether this task is one not to apply now (and counts it); a held one is kept for applyTasks. */
  private withholds(deviceId: string, body: string): boolean {
    const key = this.ignoring.has(deviceId) ? deviceId : this.ignoring.has('*') ? '*' : null;
    if (key === null) return false;
    const rule = this.ignoring.get(key)!;
    if (rule.left <= 1) this.ignoring.delete(key);
    else this.ignoring.set(key, { ...rule, left: rule.left - 1 });
    if (rule.hold) this.held.push({ deviceId, body });
    return true;
  }

  private now(): number {
    return Date.now() / 1000;
  }

  private addDevice(init: { id: string; name: string; model: string; demo: boolean }): SimDevice {
    const now = this.now();
    const d: SimDevice = {
      ...init,
      online: true,
      stateTime: now,
      settings: { resolution: '1920x1080', bitrate: 2000, chunk_duration: 10 },
      recordingSince: null,
      chunkCursor: now,
      chunks: [],
      chunkSeq: 0,
      rtmp: null,
      afu: { enabled: true, queueSeconds: 0, queueBytes: 0, lastUpdate: now },
    };
    this.devices.set(d.id, d);
    return d;
  }

  /** Two past sessions a device each, so the timeline shows something at once. */
  private seedHistory(d: SimDevice, i: number): void {
    const now = this.now();
    for (const [hoursAgo, chunks] of [[3 + (i % 5), 6], [1, 3]] as const) {
      let t = now - hoursAgo * 3600;
      for (let c = 0; c < chunks; c++) {
        d.chunks.push({ Start: round3(t), End: round3(t + 10.3), Url: `chunks/${d.id}/v2/video/${pad(d.chunkSeq++)}.mp4` });
        t += 10.333;
      }
    }
  }

  /** Produces the chunks a recording made since the last read; chunk length is compressed by timeScale. */
  private advance(d: SimDevice): void {
    const now = this.now();
    if (d.recordingSince !== null) {
      const realChunk = d.settings.chunk_duration / this.timeScale;
      while (d.chunkCursor + realChunk <= now) {
        const start = d.chunkCursor;
        d.chunkCursor = start + realChunk;
        d.chunks.push({ Start: round3(start), End: round3(d.chunkCursor - 0.001), Url: `chunks/${d.id}/v2/video/${pad(d.chunkSeq++)}.mp4` });
      }
    }
    const dt = (now - d.afu.lastUpdate) * this.timeScale;
    d.afu.lastUpdate = now;
    if (d.recordingSince !== null && !d.afu.enabled) {
      d.afu.queueSeconds += dt;
      d.afu.queueBytes += dt * d.settings.bitrate * 125;
    } else if (d.afu.enabled && d.afu.queueSeconds > 0) {
      d.afu.queueSeconds = Math.max(0, d.afu.queueSeconds - dt * 4);
      d.afu.queueBytes = d.afu.queueSeconds * d.settings.bitrate * 125;
    }
  }

  private wire(d: SimDevice): WireDevice {
    this.advance(d);
    const telemetry: WireTelemetry = d.demo ? {} : { settings: this.flavor === 'AV_STUDIO' ? { resolution: d.settings.resolution, bitrate: d.settings.bitrate } : { ...d.settings } };
    if (!d.demo && this.flavor === 'AV_STUDIO') {
      const state: NonNullable<WireTelemetry['state']> = {
        afu: {
          queue_duration: Math.round(d.afu.queueSeconds),
          queue_size: Math.round(d.afu.queueBytes),
          speed: d.afu.enabled && d.afu.queueSeconds > 0 ? 4 : 0,
          state: d.afu.enabled,
        },
      };
      if (d.rtmp) {
        const secs = (this.now() - d.rtmp.since) * this.timeScale;
        state.rtmp = {
          url: d.rtmp.url,
          speed: d.rtmp.speed,
          bitrate: d.settings.bitrate,
          sent: { frames: Math.floor(secs * 30), bytes: Math.floor(secs * d.settings.bitrate * 125) },
        };
      }
      telemetry.state = state;
    }
    return {
      Id: d.id,
      Name: d.name,
      Model: d.model,
      Status: d.online ? 'Online' : 'Offline',
      Recording: d.demo ? 'unknown' : d.recordingSince !== null ? 'on' : 'off',
      StateTime: round3(d.stateTime),
      SnapshotURL: `/front/api/v1/devices/${d.id}/state.jpg`,
      IsUnpaired: false,
      Telemetry: telemetry,
    };
  }

  private routeOf(path: string): string {
    return path
      .replace(/^\/front\/api\/v2\/media\/.*/, '/front/api/v2/media/:url')
      .replace(/^\/front\/api\/v1\/devices\/[^/]+\/state\.jpg$/, '/front/api/v1/devices/:id/state.jpg')
      .replace(/^\/front\/api\/v2\/devices\/[^/]+/, '/front/api/v2/devices/:id');
  }

  private handle(req: SimRequest): SimReply {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, json: { Status: 'error', StatusCode: 401, Message: 'Unauthorized' } };
    }
    const path = req.url.pathname;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    // /front/api/v2/...
    if (path === '/front/api/v2/users/me' && req.method === 'GET') return { status: 200, json: { Id: 'user_1', Name: 'Demo Team' } };
    if (path === '/front/api/v2/devices' && req.method === 'GET') {
      return { status: 200, json: [...this.devices.values()].map((d) => this.wire(d)) };
    }
    if (path === '/front/api/v2/devices' && req.method === 'POST') return this.pair(req.body);
    if (parts[0] === 'front' && parts[2] === 'v1' && parts[3] === 'devices' && parts[5] === 'state.jpg' && req.method === 'GET') {
      const d = this.devices.get(parts[4]!);
      return d ? { status: 200, bytes: samplePicture(d.id), contentType: 'image/jpeg' } : { status: 404, json: { Status: 'error', StatusCode: 404 } };
    }
    if (path.startsWith('/front/api/v2/media/') && req.method === 'GET') return this.media(path.slice('/front/api/v2/media/'.length));
    if (parts.length >= 5 && parts[3] === 'devices') {
      const d = this.devices.get(parts[4]!);
      if (!d) return { status: 404, json: { Status: 'error', StatusCode: 404, Message: 'Device not found' } };
      if (parts.length === 5 && req.method === 'GET') return { status: 200, json: [this.wire(d)] };
      if (parts[5] === 'task' && req.method === 'POST') {
        return this.withholds(d.id, req.body) ? { status: 200, json: { Status: 'ok', StatusCode: 200 } } : this.task(d, req.body);
      }
      if (parts[5] === 'thumbnails' && req.method === 'GET' && this.flavor === 'AV_STUDIO') {
        this.advance(d);
        const from = Number(req.url.searchParams.get('from'));
        const to = Number(req.url.searchParams.get('to'));
        if (!Number.isFinite(from) || !Number.isFinite(to)) return { status: 400, json: { Status: 'error', StatusCode: 400 } };
        return { status: 200, json: d.chunks.filter((c) => c.End >= from && c.Start <= to) };
      }
    }
    return { status: 404, json: { Status: 'error', StatusCode: 404, Message: 'Not found' } };
  }

  private media(url: string): SimReply {
    for (const d of this.devices.values()) {
      const c = d.chunks.find((x) => x.Url === url);
      if (c) return { status: 200, bytes: fakeMp4(d.chunks.indexOf(c)), contentType: 'video/mp4' };
    }
    return { status: 404, json: { Status: 'error', StatusCode: 404 } };
  }

  private pair(body: string): SimReply {
    let req: { DeviceID?: string; Name?: string };
    try {
      req = JSON.parse(body) as typeof req;
    } catch {
      return { status: 400, json: { Status: 'error', StatusCode: 400, Message: 'Bad JSON' } };
    }
    if (!req.DeviceID || !this.pairingCodes.has(req.DeviceID)) {
      return { status: 404, json: { Status: 'error', StatusCode: 404, Message: 'No device with this pairing code' } };
    }
    this.pairingCodes.delete(req.DeviceID);
    const id = `${req.DeviceID}${randomBytes(3).toString('hex')}`;
    this.addDevice({ id, name: req.Name || 'NEW DEVICE', model: 'Webcaster X2', demo: false });
    return { status: 200, json: { Status: 'ok', StatusCode: 200, ID: id } };
  }

  private task(d: SimDevice, body: string): SimReply {
    let cmd: string;
    try {
      cmd = String((JSON.parse(body) as { cmd?: unknown }).cmd ?? '');
    } catch {
      return bad('Bad JSON');
    }
    this.advance(d);
    const now = this.now();
    const studio = this.flavor === 'AV_STUDIO';
    if (cmd.startsWith('setparam:')) {
      const [param = '', value = ''] = cmd.slice('setparam:'.length).split('=');
      // Only what a device lists in Telemetry/settings can be set: nothing on a demo device, no chunk_duration on AV Studio.
      const listed = d.demo ? [] : studio ? ['resolution', 'bitrate'] : ['resolution', 'bitrate', 'chunk_duration'];
      if (!listed.includes(param)) return bad(`Bad parameter ${param}`);
      const refused = firmwareRefusal(d.model, param, value);
      if (refused) return bad(refused);
      if (param === 'resolution') d.settings.resolution = value;
      else if (param === 'bitrate') d.settings.bitrate = Number(value);
      else d.settings.chunk_duration = Number(value);
    } else if (cmd === 'recording.start') {
      if (d.recordingSince === null) {
        d.recordingSince = now;
        d.chunkCursor = now;
      }
    } else if (cmd === 'recording.stop') {
      if (d.recordingSince !== null && now > d.chunkCursor + 0.001) {
        d.chunks.push({ Start: round3(d.chunkCursor), End: round3(now), Url: `chunks/${d.id}/v2/video/${pad(d.chunkSeq++)}.mp4` });
      }
      d.recordingSince = null;
    } else if (cmd === 'firmware.update') {
      // Nothing newer than what the simulated devices run: accepted, no change.
    } else if (cmd === 'unpair') {
      this.devices.delete(d.id);
    } else if (studio && cmd === 'afu.start') d.afu.enabled = true;
    else if (studio && cmd === 'afu.stop') d.afu.enabled = false;
    else if (studio && cmd === 'footage.clear') {
      d.afu.queueSeconds = 0;
      d.afu.queueBytes = 0;
    } else if (studio && cmd.startsWith('rtmp.start:')) {
      const url = cmd.slice('rtmp.start:'.length);
      if (!/^rtmps?:\/\//.test(url)) return bad('Bad RTMP url');
      d.rtmp = { url, since: now, speed: 1.0 };
    } else if (studio && cmd === 'rtmp.stop') d.rtmp = null;
    else return bad(`Unknown command ${cmd.split(':')[0]}`);
    d.stateTime = now;
    return { status: 200, json: { Status: 'ok', StatusCode: 200 } };
  }
}

function bad(message: string): SimReply {
  return { status: 400, json: { Status: 'error', StatusCode: 400, Message: message } };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pad(n: number): string {
  return String(3000000000 + n).padStart(12, '0');
}
