import type { Readable } from 'node:stream';
import type { MagewellSourceConfig } from '../../config.js';
import { AlreadyUpToDateError, NotFoundError, NotSupportedError, UpstreamError, ValidationError } from '../../errors.js';
import type { Capability, Device, DeviceCommand, DeviceState, Recording, SourceHealth, StorageKind, TimeRange } from '../../model.js';
import { HealthWatch } from '../health-watch.js';
import type { UpstreamResponse } from '../http.js';
import { readPages } from '../paging.js';
import type { CommandResult, FleetRead, MediaRequest, Shares, Source } from '../source.js';
import { Encoder } from './encoder.js';
import {
  CAPABILITIES,
  decodeStatus,
  formatRefusal,
  formatTarget,
  isDeviceResult,
  isRetryableResult,
  mapDevice,
  mapMediaFile,
  mapUsers,
  mediaRef,
  newer,
  unreadableDevice,
  parseRecordingId,
  resultName,
  settingsCalls,
  splitRtmpUrl,
  validName,
} from './map.js';
import { DISK_TYPE, RESULT, SERVER_TYPE, type WireMediaFiles, type WireSettings, type WireStatus, type WireUsers } from './wire.js';

export interface MagewellSourceOptions {
  config: MagewellSourceConfig;
  http?: { retryBaseMs?: number; breakerCooldownMs?: number };
  /** How long startFirmwareUpdate waits for the online check; how often it looks. */
  updateCheck?: { timeoutMs: number; stepMs: number };
  /** How long an encoder may stay away after a reboot before it counts as offline (the document: "a few minutes"). */
  rebootTimeoutMs?: number;
}

const PAGE = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Many Ultra Stream encoders, each its own HTTP host, as one source. */
export class MagewellSource implements Source {
  readonly id: string;
  readonly vendor = 'MAGEWELL' as const;
  readonly pollIntervalMs: number;
  readonly reads = 'per-device' as const;
  /** The files on each encoder's disks, however old. */
  readonly recordingsAreFiles = true;
  readonly encoders: Encoder[];
  private readonly updateCheck: { timeoutMs: number; stepMs: number };
  private readonly rebootTimeoutMs: number;
  private readonly healthWatch: HealthWatch;

  constructor({ config, http, updateCheck, rebootTimeoutMs }: MagewellSourceOptions) {
    this.id = config.id;
    this.pollIntervalMs = config.pollIntervalMs ?? 2_000;
    this.updateCheck = updateCheck ?? { timeoutMs: 20_000, stepMs: 500 };
    this.rebootTimeoutMs = rebootTimeoutMs ?? 300_000;
    this.encoders = config.devices.map(
      (d) => new Encoder({ sourceId: config.id, ...d, timeoutMs: config.timeoutMs, http }),
    );
    this.healthWatch = new HealthWatch(() => this.health());
    for (const e of this.encoders) e.http.onHealthChange(() => this.healthWatch.check());
  }

  /** The source is as healthy as its encoders: DOWN when none answers, DEGRADED when some do not. */
  health(): SourceHealth {
    const all = this.encoders.map((e) => e.http.health());
    const failing = all.filter((h) => h.state !== 'OK');
    const latencies = all.map((h) => h.latencyMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const successes = all.map((h) => h.lastSuccessAt?.getTime() ?? 0);
    const last = Math.max(...successes);
    return {
      state: failing.length === 0 ? 'OK' : failing.length === all.length && failing.every((h) => h.state === 'DOWN') ? 'DOWN' : 'DEGRADED',
      lastSuccessAt: last > 0 ? new Date(last) : null,
      lastError: failing.map((h) => h.lastError).find(Boolean) ?? null,
      latencyMs: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : null,
      circuitOpen: all.every((h) => h.circuitOpen),
    };
  }

  onHealthChange(listener: (h: SourceHealth) => void): () => void {
    return this.healthWatch.subscribe(listener);
  }

  callCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.encoders) for (const [k, v] of Object.entries(e.http.callCounts())) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** Logins made across encoders; tests read it. */
  loginCount(): number {
    return this.encoders.reduce((n, e) => n + e.logins, 0);
  }

  private async readDevice(e: Encoder): Promise<Device> {
    // An encoder that failed last time is first asked whether it is there at all: one cheap call, no login.
    if (e.failing) await e.ping();
    // One after the other: a dead encoder then costs one failed call per poll, not two.
    const status = await e.call<WireStatus>('get-status');
    const flags = decodeStatus(status['cur-status']);
    // get-info after get-status: an update that ends between the two cannot leave the old version cached
    const info = await e.getInfo();
    // An update or reboot may change get-info (firmware version): read it again until a status shows neither.
    if (flags.upgrade || flags.reboot) e.infoStale = true;
    const settings = await e.call<WireSettings>('get-settings');
    e.noteSettings(settings);
    // A reboot, or the restart a reset ends with, takes the encoder away for a while: that is not a failure.
    if (flags.reboot || flags.reset) e.rebootingUntil ??= Date.now() + this.rebootTimeoutMs;
    e.failing = false;
    return mapDevice(this.id, info, status, settings);
  }

  /**
   * While a reboot is under way: whether the encoder is back, which the document says ping tells (it answers,
   * and its mask no longer says rebooting). Past rebootTimeoutMs it is read as any other, to fail as offline.
   */
  private async backFromReboot(e: Encoder): Promise<boolean> {
    if (e.rebootingUntil === null) return true;
    if (Date.now() > e.rebootingUntil) {
      e.rebootingUntil = null;
      return true;
    }
    const answer = await e.ping({ retry: false }).catch(() => null);
    if (!answer || decodeStatus(answer['cur-status'] ?? 0).reboot) return false;
    e.rebootingUntil = null;
    e.failing = false;
    e.infoStale = true;
    return true;
  }

  async listDevices(): Promise<FleetRead> {
    const reads = await Promise.all(this.encoders.map((e) => this.readOrFailure(e)));
    return {
      devices: reads.flatMap((r) => (r.device ? [r.device] : [])),
      failures: reads.flatMap((r) => (r.failure ? [r.failure] : [])),
    };
  }

  /**
   * One encoder's device; one that fails is still shown (OFFLINE, or UNKNOWN when it answers but refuses us),
   * and one that is rebooting shows as such, without a failure.
   */
  private async readOrFailure(e: Encoder): Promise<{ device: Device | null; failure?: UpstreamError }> {
    if (e.info && !(await this.backFromReboot(e))) return { device: unreadableDevice(this.id, e.info, e.lastSeenAt, false, ['REBOOTING']) };
    try {
      return { device: await this.readDevice(e) };
    } catch (err) {
      e.failing = true;
      const failure = err instanceof UpstreamError ? err : e.http.error(`encoder ${e.label}: ${(err as Error).message}`, {});
      const answered = isDeviceResult(failure.code);
      // errOccupied: two other apps hold the encoder, the most it allows.
      const states: DeviceState[] = failure.code === 'errOccupied' ? ['OCCUPIED'] : [];
      return { device: e.info ? unreadableDevice(this.id, e.info, e.lastSeenAt, answered, states) : null, failure };
    }
  }

  /** The encoder with this serial; encoders never read yet are asked for their get-info first. */
  private async encoder(sn: string): Promise<Encoder> {
    let found = this.encoders.find((e) => e.info?.product.sn === sn);
    if (!found) {
      await Promise.all(this.encoders.filter((e) => !e.info).map((e) => e.getInfo().catch(() => null)));
      found = this.encoders.find((e) => e.info?.product.sn === sn);
    }
    if (!found) throw new NotFoundError(`no Magewell encoder with serial ${JSON.stringify(sn)}`);
    return found;
  }

  async getDevice(sn: string): Promise<Device | null> {
    const e = await this.encoder(sn).catch(() => null);
    if (!e) return null;
    const read = await this.readOrFailure(e);
    if (read.device) return read.device;
    throw read.failure;
  }

  async capabilitiesOf(): Promise<Capability[]> {
    return CAPABILITIES;
  }

  /** A disk's files, page by page (bounded: an encoder that ignores `start` answers the same page forever). */
  private async mediaFiles(e: Encoder, diskType: number) {
    const { items } = await readPages(
      async (index) => {
        let page: WireMediaFiles;
        try {
          page = await e.call<WireMediaFiles>('get-media-files', { 'disk-type': diskType, start: index * PAGE, count: PAGE });
        } catch (err) {
          // No such disk in the encoder: nothing recorded there.
          if (err instanceof UpstreamError && ['errDisk', 'errNotFound', 'errSDCard', 'errEmpty'].includes(err.code ?? '')) return [];
          throw err;
        }
        return (page['media-files'] ?? []).map((file) => ({ file, path: page.path ?? '', thumbDir: page.thumbnail ?? 'thumbnail' }));
      },
      { what: `${this.id}: get-media-files of ${e.label}`, idOf: (x) => x.file.name, isLast: (page) => page.length < PAGE },
    );
    return items.map((x) => ({ ...x, diskType }));
  }

  /**
   * The files of some disks as recordings. Their times are on the encoder's clock, in its zone: read after the
   * files, so a session the file reads had to renew (a reboot, perhaps with a new zone) is asked afresh.
   */
  private async recordings(e: Encoder, sn: string, diskTypes: number[]): Promise<Recording[]> {
    const files = (await Promise.all(diskTypes.map((d) => this.mediaFiles(e, d)))).flat();
    const zone = await e.timeZone();
    return files.flatMap((x) => mapMediaFile(this.id, sn, x.diskType, x.path, x.thumbDir, x.file, zone) ?? []);
  }

  async listRecordings(sn: string, range: TimeRange): Promise<Recording[]> {
    const e = await this.encoder(sn);
    const all = await this.recordings(e, sn, [DISK_TYPE.usb, DISK_TYPE.sd]);
    return all.filter((r) => r.startedAt >= range.from && r.startedAt <= range.to);
  }

  /** While an encoder records (or just stopped), its newest files are read: a started recording is a new file. */
  async newSince(before: Device, after: Device): Promise<{ recordings?: Recording[] }> {
    if (!(before.isRecording || after.isRecording)) return {};
    const now = Date.now();
    return { recordings: await this.listRecordings(after.vendorDeviceId, { from: new Date(now - 3600_000), to: new Date(now + 60_000) }) };
  }

  async getRecording(sn: string, vendorRecordingId: string): Promise<Recording | null> {
    const id = parseRecordingId(vendorRecordingId);
    if (!id) return null;
    const e = await this.encoder(sn).catch(() => null);
    if (!e) return null;
    return (await this.recordings(e, sn, [id.diskType])).find((r) => r.vendorRecordingId === vendorRecordingId) ?? null;
  }

  async validateCommand(sn: string, command: DeviceCommand): Promise<void> {
    switch (command.type) {
      case 'rename':
        if (!validName(command.name)) {
          throw new ValidationError("name must be 1 to 32 of A-Z a-z 0-9 space . _ - + ' [ ] ( ), not starting or ending with a space", 'name');
        }
        return;
      case 'startStream':
        if (command.rtmpUrl !== null && !splitRtmpUrl(command.rtmpUrl)) {
          throw new ValidationError('rtmpUrl must be rtmp:// or rtmps:// with a stream key as the last path segment', 'rtmpUrl');
        }
        return;
      case 'updateSettings': {
        const e = await this.encoder(sn);
        const [info, settings] = await Promise.all([e.getInfo(), e.call<WireSettings>('get-settings')]);
        const r = settingsCalls(info, settings, command.input);
        if ('field' in r) throw new ValidationError(r.message, r.field);
        return;
      }
      case 'formatStorage':
        await this.formatCheck(await this.encoder(sn), command.kind);
        return;
      case 'reboot': {
        // The document sets no conditions; a reboot in the middle of these would break them off.
        const e = await this.encoder(sn);
        const flags = decodeStatus((await e.call<WireStatus>('get-status'))['cur-status']);
        if (flags.upgrade) throw new ValidationError('a firmware update is in progress; rebooting now would break it off', 'deviceId');
        if (flags.formatDisk || flags.formatSD) throw new ValidationError('a disk is being formatted; reboot after it finishes', 'deviceId');
        return;
      }
      case 'startRecording':
      case 'stopRecording':
      case 'stopStream':
      case 'startFirmwareUpdate':
        return;
      default:
        throw new NotSupportedError(`Magewell encoders do not support ${command.type}`);
    }
  }

  async execute(sn: string, command: DeviceCommand): Promise<CommandResult> {
    const e = await this.encoder(sn);
    switch (command.type) {
      case 'startRecording':
        await e.call('start-rec', {}, { command: true });
        return {};
      case 'stopRecording':
        await e.call('stop-rec', {}, { command: true });
        return {};
      case 'rename':
        await e.call('set-name', { name: command.name }, { command: true });
        return {};
      case 'updateSettings': {
        const [info, settings] = await Promise.all([e.getInfo(), e.call<WireSettings>('get-settings')]);
        const r = settingsCalls(info, settings, command.input);
        if ('field' in r) throw new ValidationError(r.message, r.field);
        for (const c of r.ok) await e.call(c.method, c.params, { command: true });
        return {};
      }
      case 'startStream':
        return this.startStream(e, command.rtmpUrl);
      case 'stopStream':
        await this.stopStream(e, command.vendorStreamId);
        return {};
      case 'startFirmwareUpdate':
        await this.firmwareUpdate(e);
        return {};
      case 'reboot':
        await e.call('reboot', {}, { command: true });
        // Until ping answers again the encoder shows as rebooting, not as failing.
        e.rebootingUntil = Date.now() + this.rebootTimeoutMs;
        return {};
      case 'formatStorage': {
        // Checked again: the encoder may have started recording since it was validated.
        const disk = await this.formatCheck(e, command.kind);
        // The last format's result stays until cleared; clearing first makes format-status this one's.
        await e.call(`clear-format-${disk}`, {}, { command: true });
        await e.call(`start-format-${disk}`, {}, { command: true });
        return {};
      }
      default:
        throw new NotSupportedError(`Magewell encoders do not support ${command.type}`);
    }
  }

  /** The disk to format, once the kind is one the encoder has (checked before anything is read) and the document's conditions hold. */
  private async formatCheck(e: Encoder, kind: StorageKind): Promise<'usb' | 'sd'> {
    const disk = formatTarget(kind);
    if (!disk) throw new ValidationError('an Ultra Stream formats its USB drive or its SD card: kind must be USB or SD', 'kind');
    const refusal = formatRefusal(await e.call<WireStatus>('get-status'), disk);
    if (refusal) throw new ValidationError(refusal.message, refusal.field);
    return disk;
  }

  /**
   * With an RTMP URL: reuse or add that server, enable it (the device allows two at once, one above
   * 4 Mbps, and says so with errChannelsLimited / err8MLimited), then go live. A server we added is removed
   * again when enabling it fails, so a refused command leaves nothing behind.
   */
  private async startStream(e: Encoder, rtmpUrl: string | null): Promise<CommandResult> {
    let settings = await e.call<WireSettings>('get-settings');
    let server = settings['stream-server']?.find((s) => s['is-use'] === 1);
    if (rtmpUrl) {
      const { url, key } = splitRtmpUrl(rtmpUrl)!;
      const same = (s: { type: number; url?: string; key?: string }) => s.type === SERVER_TYPE.rtmp && s.url === url && s.key === key;
      server = settings['stream-server']?.find(same);
      let added = false;
      if (!server) {
        const name = `avgraph ${new URL(url.replace(/^rtmps?/i, 'http')).hostname}`.slice(0, 32).replace(/[^A-Za-z0-9._\-+'[\]() ]/g, '-');
        await e.call('add-server', { type: SERVER_TYPE.rtmp, name, url, key, 'is-auth': 0, 'net-mode': 1 }, { command: true });
        settings = await e.call<WireSettings>('get-settings');
        server = settings['stream-server']?.find(same);
        if (!server) throw e.http.error(`encoder ${e.label}: add-server did not keep the server`, { code: 'errNotFound' });
        added = true;
      }
      if (server['is-use'] !== 1) {
        try {
          await e.call('enable-server', { id: server.id, 'is-use': 1 }, { command: true });
        } catch (err) {
          if (added) await e.call('del-server', { id: server.id }, { command: true }).catch(() => undefined);
          throw err;
        }
      }
    }
    if (!server) throw new ValidationError('no streaming server is enabled on this encoder: give rtmpUrl', 'rtmpUrl');
    const status = await e.call<WireStatus>('get-status');
    if (!decodeStatus(status['cur-status']).living) await e.call('start-live', {}, { command: true });
    return { vendorStreamId: `server-${server.id}` };
  }

  /** Without a stream: stop live. With one: disable that server, or stop live when it is the last one. */
  private async stopStream(e: Encoder, vendorStreamId: string | null): Promise<void> {
    if (vendorStreamId === null) {
      await e.call('stop-live', {}, { command: true });
      return;
    }
    const settings = await e.call<WireSettings>('get-settings');
    const servers = settings['stream-server'] ?? [];
    const server = servers.find((s) => `server-${s.id}` === vendorStreamId);
    if (!server) throw new NotFoundError('no such stream on this encoder');
    const enabled = servers.filter((s) => s['is-use'] === 1);
    if (enabled.length > 1 && server['is-use'] === 1) await e.call('enable-server', { id: server.id, 'is-use': 0 }, { command: true });
    else await e.call('stop-live', {}, { command: true });
  }

  /**
   * The document's online update. A failed check or update keeps its result until clear-check-update /
   * clear-upgrade, and would be read as this run's: both are cleared first. Then the check, waited for (one
   * already running is waited for instead); then the update, when the check found a newer version. A device
   * that is up to date answers AlreadyUpToDateError: nothing was started.
   */
  private async firmwareUpdate(e: Encoder): Promise<void> {
    const flags = decodeStatus((await e.call<WireStatus>('get-status'))['cur-status']);
    if (flags.upgrade) throw new ValidationError('a firmware update is already in progress', 'deviceId');
    if (flags.formatDisk || flags.formatSD) throw new ValidationError('a disk is being formatted; update after it finishes', 'deviceId');
    if (!flags.checkUpgrade) {
      await e.call('clear-check-update', {}, { command: true });
      await e.call('clear-upgrade', {}, { command: true });
      await e.call('online-update-check', {}, { command: true });
    }
    const until = Date.now() + this.updateCheck.timeoutMs;
    let status: WireStatus;
    for (;;) {
      status = await e.call<WireStatus>('get-status');
      const check = status['check-upgrade']?.result;
      if (!decodeStatus(status['cur-status']).checkUpgrade && check !== RESULT.running && check !== RESULT.init) break;
      if (Date.now() > until) throw e.http.error(`encoder ${e.label}: online update check did not finish`, { code: 'errTimeout', retryable: true });
      await sleep(this.updateCheck.stepMs);
    }
    const check = status['check-upgrade']?.result ?? RESULT.succeed;
    if (check < 0) {
      throw e.http.error(`encoder ${e.label}: the online update check failed: ${resultName(check)}`, { code: resultName(check), retryable: isRetryableResult(check) });
    }
    const current = (await e.getInfo()).product['firmware-ver-s'] ?? null;
    const available = status.upgrade?.ver;
    if (!available || !newer(available, current ?? undefined)) {
      throw new AlreadyUpToDateError(`firmware ${current ?? '(unknown)'} is already the newest the encoder found; no update was started`, current);
    }
    await e.call('update', { mode: 'online' }, { command: true });
  }

  async deleteRecordings(sn: string, ids: string[]): Promise<string[]> {
    const e = await this.encoder(sn);
    const byDisk = new Map<number, string[]>();
    for (const id of ids) {
      const r = parseRecordingId(id);
      if (!r) throw new NotFoundError(`no recording ${JSON.stringify(id)}`);
      byDisk.set(r.diskType, [...(byDisk.get(r.diskType) ?? []), r.name]);
    }
    for (const [diskType, names] of byDisk) {
      await e.call('del-media-files', {}, { command: true, body: { 'disk-type': diskType, 'media-files': names } });
    }
    return ids;
  }

  /** An encoder's users are who else may use it; listed only. */
  readonly shares: Shares = {
    list: async (sn) => {
      const e = await this.encoder(sn);
      return mapUsers(this.id, sn, await e.call<WireUsers>('get-users'));
    },
  };

  async fetchMedia(ref: string, req: MediaRequest): Promise<UpstreamResponse<Readable>> {
    const m = mediaRef.parse(ref);
    if (!m) throw new NotSupportedError('unknown media reference');
    const e = await this.encoder(m.sn);
    return e.fetch(m.kind === 'snapshot' ? 'snapshot' : 'download', m.path, req.range);
  }

  async close(): Promise<void> {
    await Promise.all(this.encoders.map((e) => e.close()));
  }
}
