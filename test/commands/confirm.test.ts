import { aDevice } from '../fixtures/device.js';
import { describe, expect, it } from 'vitest';
import { confirms, observable, type Issued } from '../../src/commands/confirm.js';
import type { Device, DeviceCommand, StorageVolume } from '../../src/model.js';

const volume = (v: Partial<StorageVolume>): StorageVolume => ({
  kind: 'UPLOAD_QUEUE',
  totalBytes: null,
  usedBytes: null,
  freeBytes: null,
  queuedSeconds: null,
  uploadEnabled: null,
  ...v,
});

const device = (d: Partial<Device> = {}): Device => aDevice({ model: 'Pearl Mini', ...d });

const settings = (s: Partial<NonNullable<Device['settings']>> = {}): NonNullable<Device['settings']> => ({
  resolution: '1920x1080',
  videoBitrateKbps: 2000,
  frameRate: 30,
  audioBitrateKbps: null,
  keyframeIntervalSeconds: null,
  chunkDurationSeconds: 10,
  allowedResolutions: [],
  maxVideoBitrateKbps: null,
  ...s,
});

const issued = (command: DeviceCommand, before: Device | null = device(), result: Issued['result'] = {}): Issued => ({ command, before, result });

describe('command confirmation predicates', () => {
  it('recording: confirmed by isRecording matching the command, not by an unknown state', () => {
    expect(confirms(issued({ type: 'startRecording' }), device({ isRecording: true }))).toBe(true);
    expect(confirms(issued({ type: 'startRecording' }), device({ isRecording: false }))).toBe(false);
    expect(confirms(issued({ type: 'startRecording' }), device({ isRecording: null }))).toBe(false);
    expect(confirms(issued({ type: 'stopRecording' }), device({ isRecording: false }))).toBe(true);
    expect(confirms(issued({ type: 'stopRecording' }), device({ isRecording: true }))).toBe(false);
    expect(confirms(issued({ type: 'startRecording' }), null)).toBe(false);
  });

  it('settings: every field asked for reads back, the others are ignored', () => {
    const cmd: DeviceCommand = { type: 'updateSettings', input: { videoBitrateKbps: 3000, resolution: '1280x720', frameRate: null } };
    const before = device({ settings: settings() });
    expect(observable(issued(cmd, before))).toBe(true);
    expect(confirms(issued(cmd, before), device({ settings: settings({ videoBitrateKbps: 3000, resolution: '1280x720' }) }))).toBe(true);
    expect(confirms(issued(cmd, before), device({ settings: settings({ videoBitrateKbps: 3000 }) }))).toBe(false);
    expect(confirms(issued(cmd, before), device({ settings: null }))).toBe(false);
    const fps: DeviceCommand = { type: 'updateSettings', input: { frameRate: 29.97 } };
    expect(confirms(issued(fps, before), device({ settings: settings({ frameRate: 29.970029 }) }))).toBe(true);
    // a device that reports no settings cannot confirm any: the vendor's success has to do
    expect(observable(issued(cmd, device({ settings: null })))).toBe(false);
  });

  it('streams: the stream the command started is live, or all of the device\'s streams have stopped', () => {
    const live = { sourceId: 's', deviceVendorId: 'd1', protocol: 'RTMP', direction: 'PUSH', url: null, media: null, bitrateKbps: null, health: null, startedAt: null, keepAliveUntil: null } as const;
    const start = issued({ type: 'startStream', rtmpUrl: 'rtmp://x/app/key' }, device(), { vendorStreamId: 'rtmp' });
    expect(confirms(start, device({ streams: [{ ...live, vendorStreamId: 'rtmp', state: 'LIVE' }], isStreaming: true }))).toBe(true);
    expect(confirms(start, device({ streams: [{ ...live, vendorStreamId: 'rtmp', state: 'IDLE' }], isStreaming: true }))).toBe(false);
    expect(confirms(start, device({ isStreaming: false }))).toBe(false);
    const stopOne = issued({ type: 'stopStream', vendorStreamId: 'rtmp' });
    expect(confirms(stopOne, device({ streams: [] }))).toBe(true);
    expect(confirms(stopOne, device({ streams: [{ ...live, vendorStreamId: 'rtmp', state: 'LIVE' }] }))).toBe(false);
    expect(confirms(issued({ type: 'stopStream', vendorStreamId: null }), device({ isStreaming: false }))).toBe(true);
    expect(confirms(issued({ type: 'stopStream', vendorStreamId: null }), device({ isStreaming: true }))).toBe(false);
  });

  it('firmware: an update in progress, the UPDATING_FIRMWARE state or a new version; no firmware reported means not observable', () => {
    const fw = { version: '4.1', updateAvailable: true, updateInProgress: false, progressPercent: null };
    const cmd = issued({ type: 'startFirmwareUpdate' }, device({ firmware: fw }));
    expect(observable(cmd)).toBe(true);
    expect(confirms(cmd, device({ firmware: { ...fw, updateInProgress: true } }))).toBe(true);
    expect(confirms(cmd, device({ firmware: { ...fw, version: '4.2' } }))).toBe(true);
    expect(confirms(cmd, device({ firmware: fw, states: ['UPDATING_FIRMWARE'] }))).toBe(true);
    expect(confirms(cmd, device({ firmware: fw }))).toBe(false);
    expect(observable(issued({ type: 'startFirmwareUpdate' }, device({ firmware: null })))).toBe(false);
  });

  it('upload, footage, rename, reboot, format and unpair each read their own effect', () => {
    const queue = device({ storage: [volume({ uploadEnabled: true, queuedSeconds: 120 })] });
    expect(confirms(issued({ type: 'setUpload', enabled: false }, queue), device({ storage: [volume({ uploadEnabled: false })] }))).toBe(true);
    expect(confirms(issued({ type: 'setUpload', enabled: false }, queue), queue)).toBe(false);
    expect(observable(issued({ type: 'setUpload', enabled: false }, device()))).toBe(false);
    expect(confirms(issued({ type: 'clearFootage' }, queue), device({ storage: [volume({ queuedSeconds: 0 })] }))).toBe(true);
    expect(confirms(issued({ type: 'clearFootage' }, queue), queue)).toBe(false);
    expect(confirms(issued({ type: 'rename', name: 'Chapel' }), device({ name: 'Chapel' }))).toBe(true);
    expect(confirms(issued({ type: 'rename', name: 'Chapel' }), device())).toBe(false);
    expect(confirms(issued({ type: 'reboot' }), device({ states: ['REBOOTING'] }))).toBe(true);
    expect(confirms(issued({ type: 'reboot' }), device({ connection: 'OFFLINE' }))).toBe(true);
    expect(confirms(issued({ type: 'reboot' }), device())).toBe(false);
    // back already between two reads: a firmware version that changed shows the restart; the same one does not
    const fw = { version: '3.3.1', updateAvailable: null, updateInProgress: false, progressPercent: null };
    const running = device({ firmware: fw });
    expect(confirms(issued({ type: 'reboot' }, running), device({ firmware: { ...fw, version: '3.3.2' } }))).toBe(true);
    expect(confirms(issued({ type: 'reboot' }, running), running)).toBe(false);
    expect(confirms(issued({ type: 'reboot' }, device()), device({ firmware: fw }))).toBe(false);
    const sd = device({ storage: [volume({ kind: 'SD', usedBytes: 5e9 })] });
    expect(confirms(issued({ type: 'formatStorage', kind: 'SD' }, sd), device({ storage: [volume({ kind: 'SD', status: 'FORMATTING', usedBytes: 5e9 })] }))).toBe(true);
    expect(confirms(issued({ type: 'formatStorage', kind: 'SD' }, sd), device({ storage: [volume({ kind: 'SD', usedBytes: 0 })] }))).toBe(true);
    expect(confirms(issued({ type: 'formatStorage', kind: 'SD' }, sd), sd)).toBe(false);
    expect(confirms(issued({ type: 'unpair' }), null)).toBe(true);
    expect(confirms(issued({ type: 'unpair' }), device())).toBe(false);
  });

  it('event triggers, PTZ moves and snapshots are not observable: the vendor\'s success confirms them', () => {
    expect(observable(issued({ type: 'triggerEvent', seconds: 10 }))).toBe(false);
    expect(observable(issued({ type: 'movePtz', direction: 'UP', mode: 'STEP' }))).toBe(false);
    expect(observable(issued({ type: 'captureSnapshot', size: null }))).toBe(false);
    expect(observable(issued({ type: 'startRecording' }))).toBe(true);
  });
});
