import type { Readable } from 'node:stream';
import type { EpiphanSourceConfig } from '../../config.js';
import { NotFoundError, NotSupportedError, ValidationError } from '../../errors.js';
import type { Capability, Device, DeviceCommand, Recording, TimeRange, Vendor } from '../../model.js';
import { HttpClient, type UpstreamResponse } from '../http.js';
import { HttpBackedSource } from '../http-source.js';
import { vendorUrlPath } from '../path.js';
import { vendorText } from '../redact.js';
import type { CommandResult, FleetRead, MediaRequest, Source } from '../source.js';
import {
  asDeviceList,
  capabilitiesFor,
  groupChunks,
  isRtmpUrl,
  mapDevice,
  SETPARAM_FIELD,
  setparamRules,
  settingsToSetparams,
} from './map.js';
import { paths, SETPARAMS, type WireChunk, type WireDevice, type WireStatusReply } from './wire.js';

export interface EpiphanSourceOptions {
  config: EpiphanSourceConfig;
  /** Overrides for tests: retry pacing, breaker timing. */
  http?: { retryBaseMs?: number; breakerCooldownMs?: number; maxBodyBytes?: number };
}

/** How far back newSince looks for the recordings of a device that records. */
const RECENT_MS = 3600_000;

/** A getRecording looks this far past the recording's start for the rest of its chunks. */
const RECORDING_LOOKAHEAD_SECONDS = 24 * 3600;

/** Epiphan Cloud and AV Studio share the v2 API; AV Studio adds upload, footage and RTMP commands. */
export class EpiphanSource extends HttpBackedSource implements Source {
  readonly id: string;
  readonly vendor: Vendor;
  readonly pollIntervalMs: number;
  protected readonly http: HttpClient;
  private readonly baseUrl: string;
  private readonly token: string;

  constructor({ config, http }: EpiphanSourceOptions) {
    super();
    this.id = config.id;
    this.vendor = config.vendor;
    this.pollIntervalMs = config.pollIntervalMs ?? 5_000;
    this.baseUrl = config.baseUrl;
    this.token = config.token;
    this.http = new HttpClient({
      sourceId: config.id,
      vendor: config.vendor,
      timeoutMs: config.timeoutMs,
      secrets: [config.token],
      ...http,
    });
  }

  private get auth() {
    return { authorization: `Bearer ${this.token}` };
  }

  async listDevices(): Promise<FleetRead> {
    const res = await this.http.json({ method: 'GET', url: this.baseUrl + paths.devices, endpoint: 'GET devices', headers: this.auth });
    if (!Array.isArray(res.body)) throw this.http.error('GET devices: reply is not a device list', { code: 'MALFORMED_RESPONSE' });
    const devices = asDeviceList(res.body)
      .filter((d) => !d.IsUnpaired)
      .map((d) => mapDevice(this.id, this.vendor, d));
    return { devices, failures: [] };
  }

  async getDevice(vendorDeviceId: string): Promise<Device | null> {
    const wire = await this.readDevice(vendorDeviceId);
    return wire ? mapDevice(this.id, this.vendor, wire) : null;
  }

  private async readDevice(vendorDeviceId: string): Promise<WireDevice | null> {
    const res = await this.http.json({
      method: 'GET',
      url: this.baseUrl + paths.device(vendorDeviceId),
      endpoint: 'GET device',
      headers: this.auth,
      acceptStatus: [404],
    });
    if (res.status === 404) return null;
    const wire = asDeviceList(res.body).find((d) => d.Id === vendorDeviceId);
    return wire && !wire.IsUnpaired ? wire : null;
  }

  async capabilitiesOf(): Promise<Capability[]> {
    return capabilitiesFor(this.vendor);
  }

  private get hasTimeline(): boolean {
    // Only the AV Studio document describes the recorded-chunk timeline.
    return this.vendor === 'AV_STUDIO';
  }

  async listRecordings(vendorDeviceId: string, range: TimeRange): Promise<Recording[]> {
    if (!this.hasTimeline) return [];
    const from = Math.floor(range.from.getTime() / 1000);
    const to = Math.ceil(range.to.getTime() / 1000);
    const res = await this.http.json<WireChunk[]>({
      method: 'GET',
      url: this.baseUrl + paths.timeline(vendorDeviceId, from, to),
      endpoint: 'GET thumbnails',
      headers: this.auth,
      acceptStatus: [404],
    });
    if (res.status === 404) return [];
    if (!Array.isArray(res.body)) throw this.http.error('GET thumbnails: reply is not a chunk list', { code: 'MALFORMED_RESPONSE' });
    return groupChunks(this.id, vendorDeviceId, res.body);
  }

  async getRecording(vendorDeviceId: string, vendorRecordingId: string): Promise<Recording | null> {
    const startMs = Number(vendorRecordingId);
    if (!Number.isFinite(startMs)) return null;
    const recordings = await this.listRecordings(vendorDeviceId, {
      from: new Date(startMs - 1000),
      to: new Date(startMs + RECORDING_LOOKAHEAD_SECONDS * 1000),
    });
    return recordings.find((r) => r.vendorRecordingId === vendorRecordingId) ?? null;
  }

  /** While a device records (or just stopped), its timeline of the last hour shows the session growing. */
  async newSince(before: Device, after: Device): Promise<{ recordings?: Recording[] }> {
    if (!this.hasTimeline || !(before.isRecording || after.isRecording)) return {};
    const now = Date.now();
    return { recordings: await this.listRecordings(after.vendorDeviceId, { from: new Date(now - RECENT_MS), to: new Date(now) }) };
  }

  /**
   * The vendor command strings for a unified command; throws for input the documents do not allow. Settings
   * read the device first: what it may be set to depends on its model and on the parameters it lists.
   */
  private async commandsFor(vendorDeviceId: string, command: DeviceCommand): Promise<string[]> {
    switch (command.type) {
      case 'startRecording':
        return ['recording.start'];
      case 'stopRecording':
        return ['recording.stop'];
      case 'startFirmwareUpdate':
        return ['firmware.update'];
      case 'unpair':
        return ['unpair'];
      case 'setUpload':
        return [command.enabled ? 'afu.start' : 'afu.stop'];
      case 'clearFootage':
        return ['footage.clear'];
      case 'startStream':
        if (!command.rtmpUrl) throw new ValidationError('rtmpUrl is required: AV Studio streams push to an RTMP server', 'rtmpUrl');
        if (!isRtmpUrl(command.rtmpUrl)) throw new ValidationError('rtmpUrl must be an rtmp:// or rtmps:// URL with a path', 'rtmpUrl');
        return [`rtmp.start:${command.rtmpUrl}`];
      case 'stopStream':
        if (command.vendorStreamId !== null && command.vendorStreamId !== 'rtmp') throw new NotFoundError('no such stream on this device');
        return ['rtmp.stop'];
      case 'rename':
        throw new NotSupportedError(`${this.vendor} has no API to rename a device`);
      case 'captureSnapshot':
      case 'triggerEvent':
      case 'movePtz':
      case 'reboot':
      case 'formatStorage':
        throw new NotSupportedError(`${this.vendor} devices do not support ${command.type}`);
      case 'updateSettings': {
        const wire = await this.readDevice(vendorDeviceId);
        if (!wire) throw new NotFoundError('device not found upstream');
        const r = settingsToSetparams(this.vendor, command.input, setparamRules(wire));
        if ('field' in r) throw new ValidationError(r.message, r.field);
        return r.ok.map((p) => `setparam:${p.param}=${p.value}`);
      }
    }
  }

  async validateCommand(vendorDeviceId: string, command: DeviceCommand): Promise<void> {
    await this.commandsFor(vendorDeviceId, command);
  }

  async execute(vendorDeviceId: string, command: DeviceCommand): Promise<CommandResult> {
    for (const cmd of await this.commandsFor(vendorDeviceId, command)) await this.task(vendorDeviceId, cmd);
    return command.type === 'startStream' ? { vendorStreamId: 'rtmp' } : {};
  }

  private async task(vendorDeviceId: string, cmd: string): Promise<void> {
    const verb = cmd.split(/[:]/)[0]!;
    // A setting the documents give no values for is the device's to refuse: its refusal names the field.
    const param = SETPARAMS.find((p) => cmd.startsWith(`setparam:${p}=`)) ?? null;
    const res = await this.http.json<WireStatusReply>({
      method: 'POST',
      url: this.baseUrl + paths.task(vendorDeviceId),
      endpoint: `POST task ${verb}`,
      headers: this.auth,
      body: JSON.stringify({ cmd }),
      acceptStatus: param ? [400, 404] : [404],
    });
    if (res.status === 404) throw new NotFoundError('device not found upstream');
    if (param && (res.status === 400 || failureIn(res.body))) {
      const field = SETPARAM_FIELD[param];
      throw new ValidationError(`the device refused ${field}: ${this.said(res.body?.Message ?? res.body?.Status ?? `HTTP ${res.status}`)}`, field);
    }
    this.checkStatus(res.body, `task ${verb}`);
  }

  /** Status and Message are the vendor's own words: they may echo the request. */
  private said(text: unknown): string {
    return vendorText(String(text), [this.token]);
  }

  private checkStatus(body: WireStatusReply | undefined, what: string): void {
    const failed = failureIn(body);
    if (failed) throw this.http.error(`${what}: ${this.said(failed.Message ?? failed.Status)}`, { code: this.said(failed.StatusCode ?? failed.Status), status: failed.StatusCode });
  }

  async pair(pairingCode: string, name: string | null): Promise<string> {
    if (!/^[A-Za-z0-9-]{4,64}$/.test(pairingCode)) {
      throw new ValidationError('pairingCode must be the code the device shows (letters and digits)', 'pairingCode');
    }
    if (name !== null && (name.trim().length === 0 || name.length > 128)) {
      throw new ValidationError('name must be 1 to 128 characters', 'name');
    }
    const res = await this.http.json<WireStatusReply>({
      method: 'POST',
      url: this.baseUrl + paths.devices,
      endpoint: 'POST devices',
      headers: this.auth,
      body: JSON.stringify({ DeviceID: pairingCode, Name: name ?? pairingCode }),
      acceptStatus: [400, 404],
    });
    if (res.status === 404 || res.status === 400) {
      throw new ValidationError('no device is waiting to be paired with this code', 'pairingCode');
    }
    this.checkStatus(res.body, 'pair');
    if (!res.body?.ID) throw this.http.error('pair: reply has no device ID', { code: 'MALFORMED_RESPONSE' });
    return res.body.ID;
  }

  async fetchMedia(ref: string, req: MediaRequest): Promise<UpstreamResponse<Readable>> {
    const at = ref.indexOf(':');
    const kind = ref.slice(0, at);
    const value = ref.slice(at + 1);
    let url: string;
    if (kind === 'snapshot' && value.startsWith('/')) url = this.baseUrl + vendorUrlPath(value, 'snapshot');
    else if (kind === 'chunk') url = this.baseUrl + paths.media(value);
    else throw new NotSupportedError('unknown media reference');
    return this.http.stream({
      method: 'GET',
      url,
      endpoint: kind === 'snapshot' ? 'GET snapshot' : 'GET media',
      headers: { ...this.auth, ...(req.range ? { range: req.range } : {}) },
      acceptStatus: [206, 404],
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The reply when it reports a failure (a Status other than "ok"); null otherwise. */
function failureIn(body: WireStatusReply | undefined): WireStatusReply | null {
  return body && typeof body === 'object' && body.Status && String(body.Status).toLowerCase() !== 'ok' ? body : null;
}
