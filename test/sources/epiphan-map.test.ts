import { describe, expect, it } from 'vitest';
import { DOC_DEVICE } from '../fixtures/epiphan-doc.js';
import {
  asDeviceList,
  capabilitiesFor,
  groupChunks,
  isRtmpUrl,
  mapConnection,
  mapDevice,
  mapRecording,
  maskStreamUrl,
  setparamRules,
  settingsToSetparams,
} from '../../src/sources/epiphan/map.js';

// Payloads copied from ../shared/vendor-docs/epiphan-cloud.md and av-studio.md.
const DOC_RTMP = {
  url: 'rtmp://10.1.2.16/live/test',
  speed: 1.0,
  bitrate: 2061,
  sent: { frames: 896, bytes: 7723008 },
};
const DOC_AFU = { queue_duration: 4793, queue_size: 2513406672, speed: 0, state: false };
const DOC_CHUNKS = [
  { Start: 1546887235.983, End: 1546887246.35, Url: 'chunks/DEVICEID/v2/video/000003000000.mp4' },
  { Start: 1546887246.383, End: 1546887256.749, Url: 'chunks/DEVICEID/v2/video/000003000001.mp4' },
  { Start: 1546887256.783, End: 1546887267.016, Url: 'chunks/DEVICEID/v2/video/000003000002.mp4' },
];

describe('Epiphan mapping', () => {
  it('maps the documented demo device', () => {
    const d = mapDevice('cloud', 'EPIPHAN_CLOUD', DOC_DEVICE);
    expect(d).toMatchObject({
      sourceId: 'cloud',
      vendor: 'EPIPHAN_CLOUD',
      vendorDeviceId: 'demo_0_d3d68f3c',
      name: 'My First Demo Device',
      model: 'Demo',
      kind: 'ENCODER',
      connection: 'ONLINE',
      isRecording: null,
      isStreaming: null,
      settings: null,
      storage: [],
      streams: [],
    });
    expect(d.lastSeenAt?.toISOString()).toBe('2018-10-12T17:51:54.931Z');
    expect(d.latestSnapshot?.media).toEqual({ sourceId: 'cloud', ref: 'snapshot:/front/api/v1/devices/demo_0_d3d68f3c/state.jpg' });
    expect(d.vendorData).toBe(DOC_DEVICE);
  });

  it('accepts the single-device reply (an array of one), a list, or a bare object', () => {
    expect(asDeviceList([DOC_DEVICE])).toEqual([DOC_DEVICE]);
    expect(asDeviceList(DOC_DEVICE)).toEqual([DOC_DEVICE]);
    expect(asDeviceList([DOC_DEVICE, { nope: 1 }, null])).toEqual([DOC_DEVICE]);
    expect(asDeviceList({ error: 'x' })).toEqual([]);
  });

  it('maps Status and Recording, with null for unknown', () => {
    expect(mapConnection('Online')).toBe('ONLINE');
    expect(mapConnection('offline')).toBe('OFFLINE');
    expect(mapConnection('Rebooting')).toBe('UNKNOWN');
    expect(mapRecording('unknown')).toBeNull();
    expect(mapRecording('on')).toBe(true);
    expect(mapRecording('off')).toBe(false);
  });

  it('maps state.rtmp to a PUSH RTMP stream with the key masked and speed as throughput', () => {
    const d = mapDevice('studio', 'AV_STUDIO', { ...DOC_DEVICE, Telemetry: { state: { rtmp: DOC_RTMP } } });
    expect(d.isStreaming).toBe(true);
    expect(d.streams).toEqual([
      expect.objectContaining({
        protocol: 'RTMP',
        direction: 'PUSH',
        state: 'LIVE',
        url: 'rtmp://10.1.2.16/live/****',
        bitrateKbps: 2061,
        health: { throughputRatio: 1, sentFrames: 896, sentBytes: 7723008 },
      }),
    ]);
  });

  it('maps state.afu to an UPLOAD_QUEUE volume', () => {
    const d = mapDevice('studio', 'AV_STUDIO', { ...DOC_DEVICE, Telemetry: { state: { afu: DOC_AFU } } });
    expect(d.storage).toEqual([
      { kind: 'UPLOAD_QUEUE', totalBytes: null, usedBytes: 2513406672, freeBytes: null, queuedSeconds: 4793, uploadEnabled: false },
    ]);
    expect(d.isStreaming).toBe(false);
  });

  it('maps settings with the documented values and limits', () => {
    const d = mapDevice('cloud', 'EPIPHAN_CLOUD', {
      ...DOC_DEVICE,
      Model: 'Webcaster X2',
      Telemetry: { settings: { resolution: '1280x720', bitrate: 1000, chunk_duration: 30 } },
    });
    expect(d.settings).toEqual({
      resolution: '1280x720',
      videoBitrateKbps: 1000,
      frameRate: null,
      audioBitrateKbps: null,
      keyframeIntervalSeconds: null,
      chunkDurationSeconds: 30,
      allowedResolutions: ['1920x1080', '1280x720', '640x360', '320x180'],
      maxVideoBitrateKbps: 4000,
    });
  });

  it('groups the documented contiguous chunks into one recording with three segments', () => {
    const [r, ...rest] = groupChunks('studio', 'DEVICEID', DOC_CHUNKS);
    expect(rest).toEqual([]);
    expect(r!.startedAt.toISOString()).toBe('2019-01-07T18:53:55.983Z');
    expect(r!.endedAt?.toISOString()).toBe('2019-01-07T18:54:27.016Z');
    expect(r!.durationSeconds).toBeCloseTo(31.033, 3);
    expect(r!.segments.map((s) => s.media.ref)).toEqual(DOC_CHUNKS.map((c) => `chunk:${c.Url}`));
    expect(r!.download).toBeNull();
  });

  it('splits chunks separated by 2 s or more into separate sessions, newest first', () => {
    const later = { Start: 1546887270, End: 1546887280, Url: 'chunks/DEVICEID/v2/video/000003000003.mp4' };
    const groups = groupChunks('studio', 'DEVICEID', [later, ...DOC_CHUNKS]);
    expect(groups.map((g) => g.segments.length)).toEqual([1, 3]);
    expect(groups[0]!.download).toEqual({ sourceId: 'studio', ref: `chunk:${later.Url}` });
  });

  it('validates setparam values against the documents', () => {
    const x2 = setparamRules({ ...DOC_DEVICE, Model: 'Webcaster X2', Telemetry: { settings: { resolution: '1920x1080', bitrate: 1000, chunk_duration: 10 } } });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { resolution: '1280x720', videoBitrateKbps: 1000, chunkDurationSeconds: 60 }, x2)).toEqual({
      ok: [
        { param: 'resolution', value: '1280x720' },
        { param: 'bitrate', value: '1000' },
        { param: 'chunk_duration', value: '60' },
      ],
    });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { resolution: '800x600' }, x2)).toMatchObject({ field: 'resolution' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { videoBitrateKbps: 4001 }, x2)).toMatchObject({ field: 'videoBitrateKbps' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { videoBitrateKbps: 0 }, x2)).toMatchObject({ field: 'videoBitrateKbps' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { chunkDurationSeconds: 9 }, x2)).toMatchObject({ field: 'chunkDurationSeconds' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { chunkDurationSeconds: 3601 }, x2)).toMatchObject({ field: 'chunkDurationSeconds' });
    expect(settingsToSetparams('AV_STUDIO', { chunkDurationSeconds: 60 }, x2)).toMatchObject({ field: 'chunkDurationSeconds' });
    expect(settingsToSetparams('AV_STUDIO', { frameRate: 30 }, x2)).toMatchObject({ field: 'frameRate' });
    expect(settingsToSetparams('AV_STUDIO', {}, x2)).toMatchObject({ field: 'input' });
  });

  it('accepts only rtmp:// and rtmps:// push URLs and masks keys', () => {
    expect(isRtmpUrl('rtmp://10.1.2.16/live/test')).toBe(true);
    expect(isRtmpUrl('rtmps://live.example.com:443/app/key')).toBe(true);
    expect(isRtmpUrl('http://x/live/test')).toBe(false);
    expect(isRtmpUrl('rtmp://host')).toBe(false);
    expect(isRtmpUrl('rtmp://host/app key')).toBe(false);
    expect(maskStreamUrl('rtmps://a.rtmp.youtube.com/live2/abcd-efgh?x=secret')).toBe('rtmps://a.rtmp.youtube.com/live2/****?****');
  });

  it('gives AV Studio upload and RTMP capabilities, Epiphan Cloud not', () => {
    expect(capabilitiesFor('AV_STUDIO')).toEqual(expect.arrayContaining(['RECORD', 'RTMP_PUSH', 'UPLOAD', 'LIVE_STREAM', 'PAIRING']));
    expect(capabilitiesFor('EPIPHAN_CLOUD')).not.toContain('UPLOAD');
    expect(capabilitiesFor('EPIPHAN_CLOUD')).not.toContain('RTMP_PUSH');
  });
});
