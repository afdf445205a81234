import { describe, expect, it } from 'vitest';
import { MEDIA_FILE } from '../fixtures/magewell-doc.js';
import {
  deviceStates,
  formatRefusal,
  mapDevice,
  mapFirmware,
  mapMediaFile,
  mapStorage,
  parseDeviceTime,
  settingsCalls,
  timeZoneOf,
  updateProgress,
} from '../../src/sources/magewell/map.js';
import type { WireInfo, WireSettings, WireStatus } from '../../src/sources/magewell/wire.js';

// Payloads copied from ../shared/vendor-docs/magewell-ultra-stream.txt (get-info, get-status, get-settings,
// get-media-files, the status mask, the storage status codes, online-update-check and update).
const INFO: WireInfo = {
  result: 0,
  snapshot: '/tmp/sbox-snapshot/sbox-quarter.jpg',
  product: { sn: 'C301171116015', 'product-id': 769, 'hardware-ver': 'C', 'firmware-ver-s': '1.2.122', 'module-name': 'Ultra Stream HDMI' },
  'codec-cap': {
    resolutions: [{ w: 1280, h: 720 }, { w: 1920, h: 1080 }],
    durations: [{ name: '30 FPS', value: 333333 }, { name: '60 FPS', value: 166667 }],
    'video-kbps': [{ name: '1 Mbps', value: 1024 }, { name: '4 Mbps', value: 4096 }],
    'gop-sec': [{ name: ' 1 sec', value: 1 }, { name: ' 2 sec', value: 2 }],
  },
};
const USB = { 'disk-status': 1, 'total-size': 61638148096, 'used-size': 3559489536, 'free-size': 57944440832, 'file-count': 47 };
const SD = { 'disk-status': 1, 'total-size': 31895175168, 'used-size': 3708043264, 'free-size': 24997614388, 'file-count': 50 };
const STATUS: WireStatus = {
  result: 0,
  'cur-status': 65552,
  'box-name': 'Ultra Stream C301181214002',
  'upgrade-status': { step: 0, percent: 0, result: 27, mode: 'none' },
  'check-upgrade': { result: 0 },
  'format-status': { percent: 0, result: 27 },
  usb: USB,
  sd: SD,
  upgrade: { ver: '', date: '', 'size-byte': 0 },
};
const MAIN = { 'is-auto': 0, codec: 0, cx: 1920, cy: 1080, duration: 166667, kbps: 4096, gop: 1, fourcc: 0, profile: 2, cbrstat: 60, fullrange: 0 };
const SETTINGS: WireSettings = {
  result: 0,
  name: 'Ultra Stream C301191111100',
  'date-time': { timezone: 'UTC', 'is-auto': 1 },
  'main-stream': MAIN,
  audio: { 'sample-rate': 48000, channels: 2, kbps: 128 },
};
describe('Magewell clock: times are local to the encoder\'s time zone', () => {
  it('reads the zone from get-settings date-time, the document\'s UTC when it names none Node knows', () => {
    expect(timeZoneOf(SETTINGS)).toBe('UTC');
    expect(timeZoneOf({ ...SETTINGS, 'date-time': { timezone: 'Asia/Shanghai', 'is-auto': 1 } })).toBe('Asia/Shanghai');
    expect(timeZoneOf({ ...SETTINGS, 'date-time': { timezone: 'Mars/Olympus_Mons' } })).toBe('UTC');
    expect(timeZoneOf({ result: 0 })).toBe('UTC');
  });

  it('converts the documented create-time from the encoder\'s zone', () => {
    const r = mapMediaFile('enc', 'sn', 1, '/media/disk1/REC_Folder', 'thumbnail', MEDIA_FILE, 'Asia/Shanghai')!;
    expect(r.startedAt.toISOString()).toBe('2019-09-24T22:35:21.000Z');
    expect(r.endedAt?.toISOString()).toBe('2019-09-24T22:35:35.480Z');
    expect(r.utcOffsetMinutes).toBe(480);
    // In UTC the thumbnail name's epoch (1569393321) and create-time agree, as in the document's example.
    const utc = mapMediaFile('enc', 'sn', 1, '/media/disk1/REC_Folder', 'thumbnail', MEDIA_FILE, 'UTC')!;
    expect(utc.startedAt.getTime()).toBe(1569393321 * 1000);
    expect(utc.utcOffsetMinutes).toBe(0);
  });

  it.each([
    ['2019-09-25 06:35:21', 'Asia/Kathmandu', '2019-09-25T00:50:21.000Z'],
    ['2019-09-25 06:35:21', 'America/St_Johns', '2019-09-25T09:05:21.000Z'],
    ['2019-07-01 12:00:00', 'Europe/Berlin', '2019-07-01T10:00:00.000Z'],
    ['2019-12-01 12:00:00', 'Europe/Berlin', '2019-12-01T11:00:00.000Z'],
    // the hour a clock shows twice is the earlier one; one it skips lands after the change
    ['2019-11-03 01:30:00', 'America/New_York', '2019-11-03T05:30:00.000Z'],
    ['2019-10-27 02:30:00', 'Europe/Berlin', '2019-10-27T00:30:00.000Z'],
    ['2019-03-10 02:30:00', 'America/New_York', '2019-03-10T07:30:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => {
    expect(parseDeviceTime(text, zone)?.toISOString()).toBe(iso);
  });
});

describe('Magewell set-video keeps what the caller did not change', () => {
  it('keeps "follow input" when only the bitrate changes', () => {
    const r = settingsCalls(INFO, { ...SETTINGS, 'main-stream': { ...MAIN, 'is-auto': 1 } }, { videoBitrateKbps: 1024 });
    expect(r).toEqual({
      ok: [{ method: 'set-video', params: { stream: 0, 'is-auto': 1, cx: 1920, cy: 1080, duration: 166667, kbps: 1024, gop: 1, fourcc: 0, profile: 2, cbrstat: 60, fullrange: 0, codec: 0 } }],
    });
  });

  it('stops following the input only when the caller fixes a resolution or frame rate', () => {
    const auto = { ...SETTINGS, 'main-stream': { ...MAIN, 'is-auto': 1 } };
    for (const input of [{ resolution: '1280x720' }, { frameRate: 30 }]) {
      const r = settingsCalls(INFO, auto, input);
      expect('ok' in r && r.ok[0]!.params['is-auto']).toBe(0);
    }
    const gop = settingsCalls(INFO, auto, { keyframeIntervalSeconds: 2 });
    expect('ok' in gop && gop.ok[0]!.params).toMatchObject({ 'is-auto': 1, gop: 2 });
  });

  it('sends no value the encoder did not report', () => {
    const { fourcc: _f, profile: _p, cbrstat: _c, fullrange: _r, ...bare } = MAIN;
    const r = settingsCalls(INFO, { ...SETTINGS, 'main-stream': bare }, { videoBitrateKbps: 1024 });
    expect('ok' in r && r.ok[0]!.params).toEqual({ stream: 0, 'is-auto': 0, cx: 1920, cy: 1080, duration: 166667, kbps: 1024, gop: 1, codec: 0 });
  });
});

describe('Magewell storage status codes', () => {
  it.each([
    [0x01, 'READY'],
    [0x03, 'FULL'],
    [0x04, 'READ_ONLY'],
    [0x05, 'LOW_SPACE'],
    [0x06, 'ERROR'],
  ])('disk-status 0x%s is %s', (code, status) => {
    const [usb] = mapStorage({ ...STATUS, usb: { ...USB, 'disk-status': code } });
    expect(usb).toMatchObject({ kind: 'USB', status, totalBytes: 61638148096, progressPercent: null });
  });

  it('lists a slot with nothing in it as NOT_INSERTED, without sizes', () => {
    const storage = mapStorage({ ...STATUS, sd: { 'disk-status': 0, 'total-size': 0, 'used-size': 0, 'free-size': 0 } });
    expect(storage[1]).toEqual({ kind: 'SD', status: 'NOT_INSERTED', totalBytes: null, usedBytes: null, freeBytes: null, queuedSeconds: null, uploadEnabled: null, progressPercent: null });
  });

  it('shows the volume the mask says is formatting, with format-status percent', () => {
    const sd = mapStorage({ ...STATUS, 'cur-status': 65552 | 0x200000, 'format-status': { result: 2, percent: 20 } });
    expect(sd.map((v) => [v.kind, v.status, v.progressPercent])).toEqual([['USB', 'READY', null], ['SD', 'FORMATTING', 20]]);
    const usb = mapStorage({ ...STATUS, 'cur-status': 0x100000, 'format-status': { result: 2, percent: 70 } });
    expect(usb.map((v) => [v.kind, v.status, v.progressPercent])).toEqual([['USB', 'FORMATTING', 70], ['SD', 'READY', null]]);
  });

  it('applies the document\'s conditions for formatting', () => {
    expect(formatRefusal(STATUS, 'usb')).toBeNull();
    expect(formatRefusal(STATUS, 'sd')).toBeNull();
    for (const [bit, disk] of [[0x4000, 'sd'], [0x4000000, 'usb'], [0x20000000, 'sd'], [0x02, 'usb'], [0x02, 'sd'], [0x1000, 'usb'], [0x100000, 'sd']] as const) {
      expect(formatRefusal({ ...STATUS, 'cur-status': 65552 | bit }, disk)).toMatchObject({ field: 'deviceId' });
    }
    // the USB performance test stands only in the way of formatting USB
    expect(formatRefusal({ ...STATUS, 'cur-status': 65552 | 0x1000 }, 'sd')).toBeNull();
    // DiskValid is a bit: a full (0x03) or low (0x05) disk may be formatted, a read-only or invalid one not
    for (const code of [0x03, 0x05]) expect(formatRefusal({ ...STATUS, sd: { ...SD, 'disk-status': code } }, 'sd')).toBeNull();
    for (const code of [0x00, 0x04, 0x06]) expect(formatRefusal({ ...STATUS, sd: { ...SD, 'disk-status': code } }, 'sd')).toMatchObject({ field: 'kind' });
  });
});

describe('Magewell device states from the status mask', () => {
  it('has none in the document\'s example mask 65552', () => {
    expect(deviceStates(65552)).toEqual([]);
    expect(mapDevice('enc', INFO, STATUS, SETTINGS).states).toEqual([]);
  });

  it.each([
    [0x20000000, 'REBOOTING'],
    [0x4000000, 'RESETTING'],
    [0x4000, 'UPDATING_FIRMWARE'],
    [0x2000000, 'CHECKING_FOR_UPDATE'],
    [0x100000, 'FORMATTING_STORAGE'],
    [0x200000, 'FORMATTING_STORAGE'],
    [0x1000, 'TESTING_STORAGE'],
    [0x8000, 'TESTING_STREAM'],
    [0x40000000, 'TESTING_UPLOAD'],
    [0x20000, 'OCCUPIED'],
  ])('bit 0x%s is %s', (bit, state) => {
    expect(mapDevice('enc', INFO, { ...STATUS, 'cur-status': 65552 | bit }, SETTINGS).states).toEqual([state]);
  });

  it('names both formats once', () => expect(deviceStates(0x300000 | 0x20000)).toEqual(['FORMATTING_STORAGE', 'OCCUPIED']));
});

describe('Magewell firmware flow', () => {
  it('reports progress of the whole online update, not of its step', () => {
    const seen = [
      { step: 1, percent: 0 },
      { step: 1, percent: 90 },
      { step: 2, percent: 0 },
      { step: 2, percent: 10 },
      { step: 2, percent: 100 },
    ].map((s) => updateProgress({ ...s, result: 2, mode: 'online' }));
    expect(seen).toEqual([0, 45, 50, 55, 100]);
    // a manual update has its file already: one step
    expect(updateProgress({ step: 1, percent: 40, result: 2, mode: 'upload' })).toBe(40);
    const d = mapDevice('enc', INFO, { ...STATUS, 'cur-status': 65552 | 0x4000, 'upgrade-status': { step: 2, percent: 10, result: 2, mode: 'online' } }, SETTINGS);
    expect(d.firmware).toMatchObject({ updateInProgress: true, progressPercent: 55, failure: null });
  });

  it('names a failed check or update as the document names the code', () => {
    const check = mapFirmware(INFO, { ...STATUS, 'check-upgrade': { result: -21 } });
    expect(check).toMatchObject({ updateInProgress: false, failure: 'errNetwork' });
    const update = mapFirmware(INFO, { ...STATUS, 'upgrade-status': { step: 1, percent: 30, result: -34, mode: 'online' } });
    expect(update).toMatchObject({ updateInProgress: false, progressPercent: null, failure: 'errMWFUnsupported' });
  });

  it('sees the documented detection result as an available update', () => {
    const found = { ...STATUS, upgrade: { ver: '1.2.123', date: '2012-1-1 00:00:00', 'size-byte': 12004784 } };
    expect(mapFirmware(INFO, found)).toMatchObject({ version: '1.2.122', updateAvailable: true, failure: null });
    expect(mapFirmware(INFO, { ...found, upgrade: { ver: '1.2.122' } }).updateAvailable).toBe(false);
  });
});
