import type { Readable } from 'node:stream';
import type { VideoloftSourceConfig } from '../../config.js';
import { NotFoundError, NotSupportedError, PermissionDeniedError, UpstreamError, ValidationError } from '../../errors.js';
import type { Capability, Device, DeviceCommand, Recording, Snapshot, TimeRange } from '../../model.js';
import { HttpClient, type UpstreamResponse } from '../http.js';
import { HttpBackedSource } from '../http-source.js';
import { readPages } from '../paging.js';
import { pathSegment } from '../path.js';
import { vendorText } from '../redact.js';
import type { CommandResult, FleetRead, MediaRequest, MediaResponse, Shares, Source, SourceEvent } from '../source.js';
import { RealtimeFeed } from './feed.js';
import {
  accessShare,
  alertId,
  alertList,
  capabilitiesFor,
  flattenTree,
  mapAlert,
  mapCamera,
  mayRun,
  snapshotAt,
  statusByUidd,
  treeErrors,
} from './map.js';
import { TaskRepeater } from './repeater.js';
import { VideoloftSession, type SessionState } from './session.js';
import { PTZ_DIRECTION, TASK, type WireAlert, type WireCameraStatus, type WireDeviceSummary, type WireDeviceTree, type WireViewerInfo } from './wire.js';

export interface VideoloftTiming {
  /** livecommand cadence while a live stream is wanted (document: every 30 s). */
  liveEveryMs: number;
  /** How long one startStream keeps the camera live unless renewed or stopped. */
  liveHoldMs: number;
  /** triggerevent cadence (document: every 15 s). */
  triggerEveryMs: number;
  /** How long captureSnapshot waits for the new image, and how often it looks. */
  captureTimeoutMs: number;
  captureStepMs: number;
  /** viewerInfo is cached this long (document: refresh every 10 minutes). */
  viewerInfoTtlMs: number;
  /** Token renewal ahead of its 20-minute life. */
  refreshAfterMs: number;
  /** The realtime feed is reconnected this often (the logger cuts it at 5 minutes). */
  feedReconnectMs: number;
}

const DEFAULT_TIMING: VideoloftTiming = {
  liveEveryMs: 30_000,
  liveHoldMs: 10 * 60_000,
  triggerEveryMs: 15_000,
  captureTimeoutMs: 10_000,
  captureStepMs: 500,
  viewerInfoTtlMs: 10 * 60_000,
  refreshAfterMs: 15 * 60_000,
  feedReconnectMs: 4 * 60_000,
};

/** URLs longer than this are split (viewerInfo takes many uidds "up to the URL length limit"). */
const MAX_URL = 4000;
const ALERT_PAGE = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Known {
  owner: string;
  alias: string | null;
  summary: WireDeviceSummary;
}

/** A Videoloft account: authenticator, the loggers its cameras sit on, and their Wowza servers. */
export class VideoloftSource extends HttpBackedSource implements Source {
  readonly id: string;
  readonly vendor = 'VIDEOLOFT' as const;
  readonly pollIntervalMs: number;
  readonly http: HttpClient;
  readonly session: VideoloftSession;
  readonly live: TaskRepeater;
  private readonly trigger: TaskRepeater;
  private readonly timing: VideoloftTiming;
  private readonly scheme: string;
  private readonly password: string;
  private readonly infos = new Map<string, { info: WireViewerInfo; at: number }>();
  /** viewerInfo reads under way, by uidd: concurrent callers share them. */
  private readonly fetchingInfo = new Map<string, Promise<void>>();
  private readonly known = new Map<string, Known>();
  private feed: RealtimeFeed | null = null;
  /** Who hears about changes while the source is watched. */
  private listener: ((e: SourceEvent) => void) | null = null;
  /** Alerts already announced ("uidd:id"), so feed, reconnects and catch-up never repeat one. */
  private readonly announced = new Set<string>();
  /** Per camera, the newest alert start (s) accounted for; a status showing a later one means we missed it. */
  private readonly alertMarks = new Map<string, number>();
  /** Cameras whose mark is an alert we announced (not just the newest alert seen when watching began). */
  private readonly markedByAlert = new Set<string>();
  /** The feed came back after a gap: the next read checks even alerts within the last second we knew. */
  private resyncing = false;

  constructor(opts: { config: VideoloftSourceConfig; http?: { retryBaseMs?: number; breakerCooldownMs?: number }; timing?: Partial<VideoloftTiming> }) {
    super();
    const { config } = opts;
    this.id = config.id;
    this.pollIntervalMs = config.pollIntervalMs ?? 5_000;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.scheme = new URL(config.authUrl).protocol;
    this.http = new HttpClient({
      sourceId: config.id,
      vendor: 'VIDEOLOFT',
      timeoutMs: config.timeoutMs,
      secrets: () => this.secrets(),
      ...opts.http,
    });
    this.password = config.password;
    this.session = new VideoloftSession(this.http, {
      authUrl: config.authUrl,
      email: config.email,
      password: config.password,
      refreshAfterMs: this.timing.refreshAfterMs,
    });
    // A failed repeat is already counted in the source's health; the next tick tries again.
    const ignore = () => undefined;
    this.live = new TaskRepeater(this.timing.liveEveryMs, (uidd) => this.task(uidd, TASK.live), ignore);
    this.trigger = new TaskRepeater(this.timing.triggerEveryMs, (uidd) => this.task(uidd, TASK.trigger), ignore);
  }

  private secrets(): string[] {
    return [this.password, this.session?.token ?? ''].filter((s) => s.length >= 4);
  }

  /** Logger and Wowza values are host names; they take the authenticator's scheme. */
  private host(value: string): string {
    return /^https?:\/\//i.test(value) ? value.replace(/\/+$/, '') : `${this.scheme}//${value}`;
  }

  private auth(s: SessionState) {
    return { authorization: `ManythingToken ${s.token}` };
  }

  private async devicesTree(): Promise<WireDeviceTree<WireDeviceSummary>> {
    const tree = await this.session.with((s) =>
      this.http.json<WireDeviceTree<WireDeviceSummary>>({ method: 'GET', url: `${s.authenticator}/devices`, endpoint: 'GET devices', headers: this.auth(s) }),
    );
    const body = tree.body ?? {};
    for (const { owner, alias, device } of flattenTree(body)) this.known.set(device.uidd, { owner, alias, summary: device });
    return body;
  }

  /**
   * viewerInfo for these uidds: cached ones no older than `maxAgeMs` reused, those already being fetched
   * awaited, the rest fetched in as few calls as the URL length allows.
   */
  async viewerInfo(uidds: string[], maxAgeMs = this.timing.viewerInfoTtlMs): Promise<Map<string, WireViewerInfo>> {
    const now = Date.now();
    const missing = uidds.filter((u) => {
      const c = this.infos.get(u);
      return !c || now - c.at > maxAgeMs;
    });
    const inFlight = [...new Set(missing.flatMap((u) => this.fetchingInfo.get(u) ?? []))];
    const batches: string[][] = [];
    let batch: string[] = [];
    let length = 0;
    for (const u of missing.filter((m) => !this.fetchingInfo.has(m))) {
      const add = `uidd=${encodeURIComponent(u)}&`.length;
      if (batch.length && length + add > MAX_URL) {
        batches.push(batch);
        batch = [];
        length = 0;
      }
      batch.push(u);
      length += add;
    }
    if (batch.length) batches.push(batch);
    const fetches = batches.map((b) => {
      const q = b.map((u) => `uidd=${encodeURIComponent(u)}`).join('&');
      const done = this.session
        .with((s) =>
          this.http.json<WireDeviceTree<WireViewerInfo>>({ method: 'GET', url: `${s.authenticator}/devices/viewerInfo?${q}`, endpoint: 'GET viewerInfo', headers: this.auth(s) }),
        )
        .then((res) => {
          for (const { device } of flattenTree(res.body ?? {})) this.infos.set(device.uidd, { info: device, at: Date.now() });
        })
        .finally(() => b.forEach((u) => this.fetchingInfo.get(u) === done && this.fetchingInfo.delete(u)));
      for (const u of b) this.fetchingInfo.set(u, done);
      return done;
    });
    await Promise.all([...fetches, ...inFlight]);
    return new Map(uidds.flatMap((u) => (this.infos.has(u) ? [[u, this.infos.get(u)!.info] as const] : [])));
  }

  /**
   * Runs a call against a camera's logger; when the logger says the camera is not resident (it moved), the
   * camera's viewerInfo is read again and the call made once more on the new logger.
   */
  private async onLogger<T>(uidd: string, call: (logger: string, info: WireViewerInfo) => Promise<T>): Promise<T> {
    const info = await this.info(uidd);
    try {
      return await call(this.host(info.logger!), info);
    } catch (e) {
      if (!(e instanceof UpstreamError) || e.status !== 404) throw e;
      this.infos.delete(uidd);
      const moved = await this.info(uidd);
      if (moved.logger === info.logger) throw e;
      return call(this.host(moved.logger!), moved);
    }
  }

  private async info(uidd: string, maxAgeMs?: number): Promise<WireViewerInfo> {
    const info = (await this.viewerInfo([uidd], maxAgeMs)).get(uidd);
    if (!info?.logger) throw new NotFoundError(`no Videoloft camera ${JSON.stringify(uidd)}`);
    return info;
  }

  /** /cameras/status for many cameras of one logger in one call. */
  private async statuses(logger: string, uidds: string[]): Promise<Map<string, WireCameraStatus>> {
    const q = uidds.map((u) => `uid=${encodeURIComponent(u)}`).join('&');
    const res = await this.session.with((s) =>
      this.http.json<WireDeviceTree<WireCameraStatus>>({
        method: 'GET',
        url: `${this.host(logger)}/cameras/status?${q}`,
        endpoint: 'GET cameras/status',
        headers: this.auth(s),
      }),
    );
    // Cameras the logger no longer holds have moved: their viewerInfo is read again next time.
    for (const e of treeErrors(res.body ?? {})) this.infos.delete(e.uidd);
    return statusByUidd(res.body ?? {});
  }

  async listDevices(): Promise<FleetRead> {
    const tree = await this.devicesTree();
    const cameras = flattenTree(tree);
    const failures: UpstreamError[] = treeErrors(tree).map((e) => {
      // The vendor's own words, passed on: scrubbed and bounded first.
      const reason = vendorText(e.reason, this.secrets());
      return this.http.error(`camera ${vendorText(e.uidd, this.secrets())}: ${reason}`, { code: reason.toUpperCase().replace(/\W+/g, '_') });
    });
    const infos = await this.viewerInfo(cameras.map((c) => c.device.uidd));
    const byLogger = new Map<string, string[]>();
    for (const c of cameras) {
      const logger = infos.get(c.device.uidd)?.logger;
      if (logger) byLogger.set(logger, [...(byLogger.get(logger) ?? []), c.device.uidd]);
    }
    const statuses = new Map<string, WireCameraStatus>();
    await Promise.all(
      [...byLogger].map(async ([logger, uidds]) => {
        try {
          for (const [k, v] of await this.statuses(logger, uidds)) statuses.set(k, v);
        } catch (e) {
          failures.push(e instanceof UpstreamError ? e : this.http.error(`logger status failed`, {}));
        }
      }),
    );
    if (this.listener) await this.catchUp(statuses);
    const devices = cameras.map((c) =>
      mapCamera({
        sourceId: this.id,
        owner: c.owner,
        alias: c.alias,
        info: { ...c.device, ...infos.get(c.device.uidd) },
        status: statuses.get(c.device.uidd),
        keepAliveUntil: this.live.until(c.device.uidd),
      }),
    );
    return { devices, failures };
  }

  /** One camera: its status from its own logger (the account's device list and viewerInfo are cached). */
  async getDevice(uidd: string): Promise<Device | null> {
    if (!this.known.has(uidd)) await this.devicesTree();
    const known = this.known.get(uidd);
    const info = known && (await this.viewerInfo([uidd])).get(uidd);
    if (!known || !info?.logger) return null;
    const status = (await this.statuses(info.logger, [uidd])).get(uidd);
    return mapCamera({ sourceId: this.id, owner: known.owner, alias: known.alias, info: { ...known.summary, ...info }, status, keepAliveUntil: this.live.until(uidd) });
  }

  async capabilitiesOf(uidd: string): Promise<Capability[]> {
    return capabilitiesFor((await this.viewerInfo([uidd])).get(uidd));
  }

  private async alertsPage(uidd: string, offset: number): Promise<WireAlert[]> {
    const maxAgeDays = (await this.session.get()).maxAgeDays;
    const res = await this.onLogger(uidd, (logger) =>
      this.session.with((s) => {
        const q = new URLSearchParams({
          uid: uidd,
          startt: '1',
          offset: String(offset),
          limit: String(ALERT_PAGE),
          maxage: String(maxAgeDays * 86_400_000),
          token: s.token,
        });
        return this.http.json<unknown>({ method: 'GET', url: `${logger}/alert?${q}`, endpoint: 'GET alert' });
      }),
    );
    return alertList(res.body);
  }

  /** Every page of a camera's alerts until `isLast`, bounded (a logger that ignores the offset repeats one page). */
  private alerts(uidd: string, isLast: (page: WireAlert[]) => boolean): Promise<WireAlert[]> {
    return readPages((index) => this.alertsPage(uidd, index * ALERT_PAGE), {
      what: `${this.id}: GET alert`,
      idOf: (a) => alertId(a) ?? `at ${a.startt}`,
      isLast: (page) => page.length < ALERT_PAGE || isLast(page),
    }).then((r) => r.items);
  }

  /**
   * Alerts come newest first, 50 a page; paging stops once a page reaches past the range, or once the range
   * holds as many as were asked for.
   */
  async listRecordings(uidd: string, range: TimeRange): Promise<Recording[]> {
    const inRange = (a: WireAlert) => a.startt >= range.from.getTime() && a.startt <= range.to.getTime();
    let found = 0;
    const alerts = await this.alerts(uidd, (page) => {
      found += page.filter(inRange).length;
      return found >= (range.limit ?? Number.POSITIVE_INFINITY) || Math.min(...page.map((a) => a.startt)) < range.from.getTime();
    });
    return alerts.flatMap((a) => {
      const r = inRange(a) ? mapAlert(this.id, uidd, a) : null;
      return r ? [r] : [];
    });
  }

  async getRecording(uidd: string, id: string): Promise<Recording | null> {
    const match = (a: WireAlert) => String(a.alert ?? a.id) === id;
    const hit = (await this.alerts(uidd, (page) => page.some(match))).find(match);
    return hit ? mapAlert(this.id, uidd, hit) : null;
  }

  private async permissions(uidd: string): Promise<string[] | undefined> {
    if (!this.known.has(uidd)) await this.devicesTree();
    const k = this.known.get(uidd);
    if (!k) throw new NotFoundError(`no Videoloft camera ${JSON.stringify(uidd)}`);
    return k.summary.permissions;
  }

  async validateCommand(uidd: string, command: DeviceCommand): Promise<void> {
    if (!mayRun(command.type, await this.permissions(uidd))) throw new PermissionDeniedError('this account may only view this camera (read-only permission)');
    switch (command.type) {
      case 'startStream':
        if (command.rtmpUrl !== null) throw new ValidationError('Videoloft cameras stream to their own Wowza server; rtmpUrl cannot be used', 'rtmpUrl');
        return;
      case 'stopStream':
        if (command.vendorStreamId !== null && command.vendorStreamId !== 'live') throw new NotFoundError('no such stream on this camera');
        return;
      case 'triggerEvent':
        if (!Number.isInteger(command.seconds) || command.seconds < 1 || command.seconds > 3600) {
          throw new ValidationError('seconds must be an integer from 1 to 3600', 'seconds');
        }
        return;
      case 'captureSnapshot':
        if (command.size === 'FULL') throw new ValidationError('Videoloft cameras capture THUMB (256x144) or STILL (640x360) images', 'size');
        return;
      case 'movePtz':
        return;
      default:
        throw new NotSupportedError(`Videoloft cameras do not support ${command.type}`);
    }
  }

  async execute(uidd: string, command: DeviceCommand): Promise<CommandResult> {
    switch (command.type) {
      case 'startStream':
        await this.live.hold(uidd, this.timing.liveHoldMs);
        return { vendorStreamId: 'live' };
      case 'stopStream':
        this.live.release(uidd);
        return {};
      case 'triggerEvent':
        await this.trigger.hold(uidd, command.seconds * 1000);
        return {};
      case 'captureSnapshot':
        return { snapshot: await this.capture(uidd, command.size === 'STILL' ? 'STILL' : 'THUMB') };
      case 'movePtz': {
        const dir = PTZ_DIRECTION[command.direction];
        const action = command.mode === 'STOP' ? TASK.ptzStop : command.mode === 'START' ? `ptzstart_${dir}` : `ptz_${dir}`;
        await this.task(uidd, action);
        return {};
      }
      default:
        throw new NotSupportedError(`Videoloft cameras do not support ${command.type}`);
    }
  }

  /** Asks for a capture, then waits (bounded) for lastthumb / laststill to move. */
  private async capture(uidd: string, size: 'THUMB' | 'STILL') {
    const info = await this.info(uidd);
    const field = size === 'THUMB' ? 'lastthumb' : 'laststill';
    const before = (await this.statuses(info.logger!, [uidd])).get(uidd)?.[field] ?? 0;
    await this.task(uidd, size === 'THUMB' ? TASK.thumb : TASK.still);
    const until = Date.now() + this.timing.captureTimeoutMs;
    while (Date.now() < until) {
      await sleep(this.timing.captureStepMs);
      const now = (await this.statuses(info.logger!, [uidd])).get(uidd)?.[field] ?? 0;
      if (now && now !== before) return snapshotAt(this.id, uidd, size, now);
    }
    throw this.http.error(`camera ${uidd}: no new image within ${this.timing.captureTimeoutMs} ms`, { code: 'CAPTURE_TIMEOUT', retryable: true });
  }

  private async task(uidd: string, action: string): Promise<void> {
    await this.onLogger(uidd, (logger) =>
      this.session.with((s) =>
        this.http.json({
          method: 'GET',
          url: `${logger}/sendcameratask?${new URLSearchParams({ uid: uidd, action, token: s.token })}`,
          endpoint: `GET sendcameratask ${action.split('_')[0]}`,
          retry: false,
        }),
      ),
    );
  }

  /** Thumbs and stills are named by their capture time: "thumb-<s>" / "still-<s>". */
  async getSnapshot(uidd: string, snapshotId: string): Promise<Snapshot | null> {
    const m = snapshotId.match(/^(thumb|still)-(\d+)$/);
    if (!m || !this.known.has(uidd)) return null;
    return snapshotAt(this.id, uidd, m[1] === 'thumb' ? 'THUMB' : 'STILL', Number(m[2]));
  }

  /** The account's own access to a camera, from its permissions; listed only. */
  readonly shares: Shares = {
    list: async (uidd) => {
      const s = await this.session.get();
      if (!this.known.has(uidd)) await this.devicesTree();
      const k = this.known.get(uidd);
      return k ? accessShare(this.id, uidd, s.uid, k.owner, k.summary.permissions) : [];
    },
  };

  /** Hosts media may come from: the loggers and Wowza servers viewerInfo named. */
  private knownHost(url: URL): boolean {
    for (const { info } of this.infos.values()) {
      for (const h of [info.logger, info.wowza]) if (h && new URL(this.host(h)).host === url.host) return true;
    }
    return false;
  }

  /** A playlist the player gets rewritten: URIs resolved, token removed, each a ref to fetch (with the token) later. */
  private playlist(text: string, base: string, server: 'logger' | 'wowza', token: string): MediaResponse {
    return {
      playlist: text,
      refFor: (uri) => {
        const url = new URL(uri, base);
        for (const p of ['token', 'userToken']) if (url.searchParams.get(p) === token) url.searchParams.delete(p);
        if (url.pathname.includes(token)) return null;
        return `hls:${server}|${url.toString()}`;
      },
    };
  }

  private async get(url: string, endpoint: string, req: MediaRequest): Promise<UpstreamResponse<Readable>> {
    return this.http.stream({ method: 'GET', url, endpoint, headers: req.range ? { range: req.range } : {}, acceptStatus: [206, 404] });
  }

  private async text(url: string, endpoint: string): Promise<string> {
    const res = await this.get(url, endpoint, {});
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    if (res.status === 404) throw new NotFoundError('playlist not found upstream');
    return Buffer.concat(chunks).toString('utf8');
  }

  async fetchMedia(refText: string, req: MediaRequest): Promise<MediaResponse> {
    const at = refText.indexOf(':');
    const kind = refText.slice(0, at);
    const rest = refText.slice(at + 1);
    return this.session.with(async (s) => {
      if (kind === 'hls') {
        const [server, raw] = [rest.slice(0, rest.indexOf('|')), rest.slice(rest.indexOf('|') + 1)];
        const url = new URL(raw);
        if (!this.knownHost(url) || (server !== 'logger' && server !== 'wowza')) throw new NotSupportedError('unknown media host');
        url.searchParams.set(server === 'wowza' ? 'userToken' : 'token', s.token);
        if (url.pathname.endsWith('.m3u8')) return this.playlist(await this.text(url.toString(), 'GET hls playlist'), url.toString(), server, s.token);
        return this.get(url.toString(), 'GET hls segment', req);
      }
      const [uidd, ...parts] = rest.split('/');
      pathSegment(uidd!, 'deviceId');
      // Cameras often move to another Wowza server (document §1.4.1): live video is looked up afresh, not from the cache.
      const info = await this.info(uidd!, kind === 'live' ? 0 : undefined);
      const logger = this.host(info.logger!);
      switch (kind) {
        case 'getthumb':
        case 'getstill':
        case 'alertthumb':
          return this.get(`${logger}/${kind}/${pathSegment(uidd!, 'deviceId')}/${pathSegment(parts[0] ?? '', 'snapshotId')}/${pathSegment(s.token, 'token')}`, `GET ${kind}`, req);
        case 'alerthls':
        case 'alertmp4': {
          const [id, startS, endS, rom] = parts;
          const q = new URLSearchParams({ uid: uidd!, startt: startS!, endt: endS!, rom: rom!, id: id!, buildmp4: kind === 'alertmp4' ? '1' : '0', token: s.token });
          const url = `${logger}/alerturl.m3u8?${q}`;
          return kind === 'alertmp4' ? this.get(url, 'GET alerturl mp4', req) : this.playlist(await this.text(url, 'GET alerturl'), url, 'logger', s.token);
        }
        case 'live': {
          if (!info.wowza || !info.streamname) throw new NotFoundError('the camera has no live stream server');
          const url = `${this.host(info.wowza)}/manything/${pathSegment(info.streamname, 'streamname')}/playlist.m3u8?${new URLSearchParams({ userToken: s.token })}`;
          return this.playlist(await this.text(url, 'GET wowza playlist'), url, 'wowza', s.token);
        }
        default:
          throw new NotSupportedError('unknown media reference');
      }
    });
  }

  private announce(uidd: string, a: WireAlert): void {
    const id = alertId(a);
    if (!id) return;
    this.alertMarks.set(uidd, Math.max(this.alertMarks.get(uidd) ?? 0, Math.floor(a.startt / 1000)));
    this.markedByAlert.add(uidd);
    const key = `${uidd}:${id}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    if (this.announced.size > 5000) this.announced.delete(this.announced.values().next().value!);
    const r = mapAlert(this.id, uidd, a);
    if (r) this.listener?.({ type: 'recordingAdded', recording: r });
  }

  /**
   * Alerts the feed did not bring (it was down, or a message was cut): a camera whose status shows a newer
   * alert than we announced gets its latest alerts read, and the missing ones announced.
   */
  private async catchUp(statuses: Map<string, WireCameraStatus>): Promise<void> {
    // Status times are whole seconds: after a gap, an alert in the same second as the last one known may be new.
    const inclusive = this.resyncing;
    this.resyncing = false;
    await Promise.all(
      [...statuses].map(async ([uidd, s]) => {
        const last = s.lastalert ?? 0;
        const mark = this.alertMarks.get(uidd);
        if (mark === undefined) return void this.alertMarks.set(uidd, last);
        if (last < mark || (last === mark && !(inclusive && this.markedByAlert.has(uidd)))) return;
        const page = await this.alertsPage(uidd, 0).catch(() => [] as WireAlert[]);
        for (const a of [...page].reverse()) if (Math.floor(a.startt / 1000) >= mark) this.announce(uidd, a);
        this.alertMarks.set(uidd, Math.max(this.alertMarks.get(uidd) ?? 0, last));
      }),
    );
  }

  /** The realtime feed of every logger this account's cameras sit on, while anyone listens. */
  watch(listener: (event: SourceEvent) => void): () => void {
    this.listener = listener;
    const feed = new RealtimeFeed({
      http: this.http,
      session: this.session,
      loggers: async () => {
        const infos = [...this.infos.values()].map((x) => x.info);
        if (infos.length === 0) await this.listDevices();
        return [...new Set([...this.infos.values()].flatMap((x) => (x.info.logger ? [this.host(x.info.logger)] : [])))];
      },
      reconnectMs: this.timing.feedReconnectMs,
      onMessage: (m) => {
        if (m.type === 'liveSession' && (m.data.uidd || m.data.uid)) listener({ type: 'deviceChanged', vendorDeviceId: String(m.data.uidd ?? m.data.uid) });
        if (m.type === 'alert' && (m.data.uid || m.data.uidd)) this.announce(String(m.data.uid ?? m.data.uidd), m.data);
      },
      onReconnect: () => {
        this.resyncing = true;
        listener({ type: 'resync' });
      },
    });
    this.feed = feed;
    feed.start();
    return () => {
      feed.stop();
      if (this.feed === feed) this.feed = null;
      this.listener = null;
      this.alertMarks.clear();
      this.markedByAlert.clear();
    };
  }

  pushing(): boolean {
    return this.feed?.connected ?? false;
  }

  async close(): Promise<void> {
    this.feed?.stop();
    this.live.stopAll();
    this.trigger.stopAll();
    await this.http.close();
  }
}
