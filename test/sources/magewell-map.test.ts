import { describe, expect, it } from 'vitest';
import { MEDIA_FILE } from '../fixtures/magewell-doc.js';
import {
  decodeStatus,
  isRetryableResult,
  liveState,
  mapDevice,
  mapMediaFile,
  mapStreams,
  mapUsers,
  maskedServerUrl,
  needsLogin,
  resultName,
  scrub,
  settingsCalls,
  splitRtmpUrl,
  validName,
} from '../../src/sources/magewell/map.js';
import type { WireInfo, WireSettings, WireStatus } from '../../src/sources/magewell/wire.js';

// Payloads copied from ../shared/vendor-docs/magewell-ultra-stream.txt.
const INFO: WireInfo = {
  result: 0,
  'mac-addr': { eth: '70:b3:d5:75:d5:fc', wifi: '70:b3:d5:75:d5:fd', blue: '70:b3:d5:75:d5:fe' },
  snapshot: '/tmp/sbox-snapshot/sbox-quarter.jpg',
  product: {
    sn: 'C301181214002',
    'product-id': 769,
    'hardware-ver': 'C',
    'firmware-ver-s': '1.2.122',
    'factory-firmware-ver-s': '1.2.115',
    'product-name': 'Ultra Stream',
    'module-name': 'Ultra Stream HDMI',
    'manu-name': 'MAGEWELL',
    'max-lock-count': 2,
  },
  'codec-cap': {
    resolutions: [{ w: 640, h: 360 }, { w: 1280, h: 720 }, { w: 1920, h: 1080 }],
    durations: [{ name: '25 FPS', value: 400000 }, { name: '29.97 FPS', value: 333667 }, { name: '30 FPS', value: 333333 }, { name: '60 FPS', value: 166667 }],
    'video-kbps': [{ name: '1 Mbps', value: 1024 }, { name: '4 Mbps', value: 4096 }, { name: '8 Mbps', value: 8192 }],
    'audio-kbps': [{ name: ' 48 Kbps', value: 48 }, { name: '128 Kbps', value: 128 }],
    'gop-sec': [{ name: ' 1 sec', value: 1 }, { name: ' 2 sec', value: 2 }],
  },
  'rec-control': { 'time-unit': [{ name: '5 minutes', value: 5 }, { name: '10 minutes', value: 10 }, { name: '120 minutes', value: 120 }] },
};
const STATUS: WireStatus = {
  result: 0,
  'cur-status': 65552,
  'box-name': 'Ultra Stream C301181214002',
  'rec-status': { result: 0, 'run-ms': 0, 'cur-bps': 0, 'avg-bps': 0 },
  'live-status': { result: 0, 'run-ms': 0, 'cur-bps': 0, 'avg-bps': 0, net: 0, result2: 0, 'cur-bps2': 0, net2: 0 },
  'upgrade-status': { step: 0, percent: 0, result: 27, mode: 'none' },
  'input-signal': { status: 0, cx: 0, cy: 0, interlaced: 0, 'frame-rate': 0.0, 'sample-rate': 0 },
  usb: { 'disk-status': 1, 'total-size': 61638148096, 'used-size': 3559489536, 'free-size': 57944440832 },
  sd: { 'disk-status': 1, 'total-size': 31895175168, 'used-size': 3708043264, 'free-size': 24997614388 },
  upgrade: { ver: '', date: '', 'size-byte': 0 },
};
const SETTINGS: WireSettings = {
  result: 0,
  name: 'Ultra Stream C301191111100',
  softap: { 'is-softap': 1, 'is-visible': 1, 'softap-ssid': 'C301181214002', 'softap-passwd': '81214002' },
  'rec-control': { 'mime-type': 0, 'usb-option': 1, 'sd-option': 1, 'root-folder': 'REC_Folder', 'time-unit': 5 },
  'main-stream': { 'is-auto': 0, codec: 0, cx: 1920, cy: 1080, duration: 166667, kbps: 4096, gop: 1, fourcc: 0, profile: 2, cbrstat: 60, fullrange: 0 },
  audio: { 'sample-rate': 48000, channels: 2, kbps: 128 },
  'stream-server': [
    { id: 0, type: 0, url: '192.168.1.123:345/live', key: 'aa', 'is-auth': 0, user: '', passwd: '', 'is-use': 0, token: '', 'net-mode': 1, name: '192.168.1.123' },
  ],
  'send-file-cloud': [{ id: 0, 'is-use': 1, type: 2, 'access-token': 'tok', 'refresh-token': 'ref', 'user-name': 'qin qiu' }],
};
describe('Magewell status mask', () => {
  it('decodes the documented example 65552 as password set + USB ready', () => {
    const f = decodeStatus(65552);
    expect(Object.entries(f).filter(([, v]) => v).map(([k]) => k).sort()).toEqual(['diskReady', 'passwd']);
  });

  it.each([
    [0x01, 'first'], [0x02, 'record'], [0x04, 'living'], [0x08, 'stream'], [0x10, 'diskReady'], [0x20, 'rtmpReady'],
    [0x40, 'softAP'], [0x100, 'mic'], [0x200, 'phone'], [0x400, 'output'], [0x1000, 'diskTest'], [0x2000, 'blue'],
    [0x4000, 'upgrade'], [0x8000, 'netTest'], [0x10000, 'passwd'], [0x20000, 'occupied'], [0x100000, 'formatDisk'],
    [0x200000, 'formatSD'], [0x400000, 'searchWifi'], [0x800000, 'connectWifi'], [0x1000000, 'connectBlue'],
    [0x2000000, 'checkUpgrade'], [0x4000000, 'reset'], [0x8000000, 'ipv6'], [0x10000000, 'testLock'],
    [0x20000000, 'reboot'], [0x40000000, 'sendTest'],
  ])('bit 0x%s is %s and only that', (bit, name) => {
    const f = decodeStatus(bit);
    expect(Object.entries(f).filter(([, v]) => v).map(([k]) => k)).toEqual([name]);
  });

  it('maps recording, living, upgrade and reboot into the device', () => {
    const d = mapDevice('enc', INFO, { ...STATUS, 'cur-status': 0x02 | 0x04 | 0x4000, 'upgrade-status': { result: 2, percent: 40 } }, SETTINGS);
    expect(d).toMatchObject({ isRecording: true, isStreaming: true, connection: 'ONLINE', firmware: { updateInProgress: true, progressPercent: 40 } });
    expect(mapDevice('enc', INFO, { ...STATUS, 'cur-status': 0x20000000 }, SETTINGS).connection).toBe('OFFLINE');
  });
});

describe('Magewell result codes', () => {
  it.each([
    [0, 'retSucceed'], [1, 'retRepeat'], [2, 'retRunning'], [22, 'retLivingConnected'], [27, 'retInit'], [31, 'retSendWaiting'],
    [-1, 'errPasswd'], [-2, 'errOccupied'], [-9, 'errBusy'], [-10, 'errParam'], [-12, 'errTimeout'], [-14, 'errNotFound'],
    [-17, 'errNeedAuth'], [-29, 'errChannelsLimited'], [-30, 'err8MLimited'], [-33, 'err4GLimited'], [-34, 'errMWFUnsupported'],
    [-35, 'errNoSignal'], [-39, 'errSDNoSpace'], [-43, 'errLockLiving'], [-52, 'errRecParam'], [-53, 'errLiveParam'], [-100, 'errFTPServer'],
  ])('%i is %s', (code, name) => expect(resultName(code)).toBe(name));

  it('names an unlisted code honestly', () => expect(resultName(-77)).toBe('result -77'));

  it('retries only busy, timeout and running; logs in again on errNeedAuth and errPasswd', () => {
    expect([-9, -12, 2].every(isRetryableResult)).toBe(true);
    expect([-1, -10, -29, -35, 1, 4].some(isRetryableResult)).toBe(false);
    expect(needsLogin(-17)).toBe(true);
    expect(needsLogin(-1)).toBe(true);
    expect(needsLogin(-9)).toBe(false);
  });

  it('maps live-status results to stream states', () => {
    expect(liveState(22)).toBe('LIVE');
    for (const r of [23, 24, 25, 28]) expect(liveState(r)).toBe('STARTING');
    for (const r of [29, 30, -29, -21]) expect(liveState(r)).toBe('FAILED');
    for (const r of [0, 27, undefined]) expect(liveState(r)).toBe('IDLE');
  });
});

describe('Magewell mapping', () => {
  it('maps the documented get-info, get-status and get-settings into a device', () => {
    const d = mapDevice('enc', INFO, STATUS, SETTINGS);
    expect(d).toMatchObject({
      vendorDeviceId: 'C301181214002',
      name: 'Ultra Stream C301181214002',
      model: 'Ultra Stream HDMI',
      kind: 'ENCODER',
      isRecording: false,
      isStreaming: false,
      firmware: { version: '1.2.122', updateAvailable: null, updateInProgress: false, progressPercent: null },
      settings: {
        resolution: '1920x1080',
        videoBitrateKbps: 4096,
        frameRate: 60,
        audioBitrateKbps: 128,
        keyframeIntervalSeconds: 1,
        chunkDurationSeconds: 300,
        allowedResolutions: ['640x360', '1280x720', '1920x1080'],
        maxVideoBitrateKbps: 8192,
      },
      signal: { present: false, width: null, height: null },
      storage: [
        { kind: 'USB', totalBytes: 61638148096, usedBytes: 3559489536, freeBytes: 57944440832 },
        { kind: 'SD', totalBytes: 31895175168, usedBytes: 3708043264, freeBytes: 24997614388 },
      ],
    });
    expect(d.latestSnapshot?.media.ref).toBe('C301181214002|snapshot:/tmp/sbox-snapshot/sbox-quarter.jpg');
  });

  it('turns configured servers into PUSH streams with the key masked', () => {
    const [s] = mapStreams('enc', 'C301181214002', SETTINGS, STATUS);
    expect(s).toMatchObject({ vendorStreamId: 'server-0', protocol: 'RTMP', direction: 'PUSH', state: 'IDLE', url: 'rtmp://192.168.1.123:345/live/****' });
    expect(maskedServerUrl({ id: 1, type: 100, 'is-use': 1, port: 8554 })).toBe('rtsp://device:8554/');
  });

  it('reads two live servers from result and result2', () => {
    const settings: WireSettings = {
      ...SETTINGS,
      'stream-server': [
        { id: 3, type: 0, url: 'rtmp://a/app', key: 'k1', 'is-use': 1 },
        { id: 4, type: 0, url: 'rtmp://b/app', key: 'k2', 'is-use': 0 },
        { id: 5, type: 2, url: 'rtmp://c/app', key: 'k3', 'is-use': 1 },
      ],
    };
    const status = { ...STATUS, 'cur-status': 0x04, 'live-status': { result: 22, 'cur-bps': 4_000_000, result2: 23, 'run-ms': 5000 } };
    expect(mapStreams('enc', 'sn', settings, status).map((s) => [s.vendorStreamId, s.state, s.bitrateKbps])).toEqual([
      ['server-3', 'LIVE', 4000],
      ['server-4', 'IDLE', null],
      ['server-5', 'STARTING', null],
    ]);
  });

  it('keeps secrets out of vendorData', () => {
    const text = JSON.stringify(mapDevice('enc', INFO, STATUS, SETTINGS).vendorData);
    for (const secret of ['"aa"', '"81214002"', 'softap-passwd', '"tok"', '"ref"', '"passwd"']) expect(text).not.toContain(secret);
    expect(scrub({ a: [{ key: 1, b: 2 }] })).toEqual({ a: [{ b: 2 }] });
  });

  it('maps the documented media file', () => {
    const r = mapMediaFile('enc', 'sn', 1, '/media/disk1/REC_Folder', 'thumbnail', MEDIA_FILE)!;
    expect(r).toMatchObject({
      vendorRecordingId: 'sd:VID_9.mp4',
      status: 'READY',
      trigger: 'MANUAL',
      sizeBytes: 4025670,
      durationSeconds: 14.48,
      width: 1280,
      height: 720,
      frameRate: 50,
      codec: 'H.264',
    });
    expect(r.startedAt.toISOString()).toBe('2019-09-25T06:35:21.000Z');
    expect(r.endedAt?.toISOString()).toBe('2019-09-25T06:35:35.480Z');
    expect(r.download?.ref).toBe('sn|download:/media/disk1/REC_Folder/VID_9.mp4');
    expect(r.thumbnail?.ref).toBe('sn|download:/media/disk1/REC_Folder/thumbnail/VID_9.mp4_1569393321.jpg');
    for (const [status, want] of [[0, 'IN_PROGRESS'], [2, 'FAILED'], [3, 'LOST']] as const) {
      expect(mapMediaFile('enc', 'sn', 0, '/p', 't', { ...MEDIA_FILE, status })!.status).toBe(want);
    }
    expect(mapMediaFile('enc', 'sn', 0, '/p', 't', { ...MEDIA_FILE, codec: 1 })!.codec).toBe('HEVC');
    expect(mapMediaFile('enc', 'sn', 0, '/p', 't', { ...MEDIA_FILE, status: 0 })!.endedAt).toBeNull();
  });

  it('maps get-users to account-access shares', () => {
    expect(mapUsers('enc', 'sn', { result: 0, users: [{ id: 'Admin', type: 1 }, { id: 'Test', type: 2 }] })).toEqual([
      expect.objectContaining({ vendorShareId: 'Admin', grantee: 'Admin', kind: 'ACCOUNT_ACCESS', rights: ['ADMIN'] }),
      expect.objectContaining({ vendorShareId: 'Test', rights: ['VIEW', 'EDIT'] }),
    ]);
  });
});

describe('Magewell input rules', () => {
  it('applies the document name rules', () => {
    for (const ok of ['Studio 1', "A.b_c-d+e'f[g](h)", 'x'.repeat(32)]) expect(validName(ok)).toBe(true);
    for (const bad of ['', ' lead', 'trail ', 'x'.repeat(33), 'semi;colon', 'ümlaut']) expect(validName(bad)).toBe(false);
  });

  it('splits push URLs into server and key', () => {
    expect(splitRtmpUrl('rtmp://a.rtmp.youtube.com/live2/abcd-1234')).toEqual({ url: 'rtmp://a.rtmp.youtube.com/live2', key: 'abcd-1234' });
    expect(splitRtmpUrl('rtmps://host:443/app/key')).toEqual({ url: 'rtmps://host:443/app', key: 'key' });
    for (const bad of ['http://a/b/c', 'rtmp://host', 'rtmp://host/', 'rtmp://host/app/']) expect(splitRtmpUrl(bad)).toBeNull();
  });

  it('validates settings against get-info ranges and sends the whole main stream', () => {
    const r = settingsCalls(INFO, SETTINGS, { resolution: '1280x720', frameRate: 29.97, keyframeIntervalSeconds: 2, audioBitrateKbps: 48, chunkDurationSeconds: 600 });
    expect(r).toEqual({
      ok: [
        { method: 'set-video', params: expect.objectContaining({ stream: 0, cx: 1280, cy: 720, duration: 333667, kbps: 4096, gop: 2, codec: 0, profile: 2 }) },
        { method: 'set-audio', params: { kbps: 48 } },
        { method: 'set-rec-control', params: expect.objectContaining({ 'time-unit': 10, 'usb-option': 1, 'sd-option': 1 }) },
      ],
    });
    const bad: [object, string][] = [
      [{ resolution: '1000x1000' }, 'resolution'],
      [{ videoBitrateKbps: 5000 }, 'videoBitrateKbps'],
      [{ frameRate: 48 }, 'frameRate'],
      [{ keyframeIntervalSeconds: 3 }, 'keyframeIntervalSeconds'],
      [{ audioBitrateKbps: 100 }, 'audioBitrateKbps'],
      [{ chunkDurationSeconds: 90 }, 'chunkDurationSeconds'],
      [{ videoBitrateKbps: 8192, chunkDurationSeconds: 7200 }, 'chunkDurationSeconds'],
      [{}, 'input'],
    ];
    for (const [input, field] of bad) expect(settingsCalls(INFO, SETTINGS, input)).toMatchObject({ field });
  });
});
