import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { deviceHealth } from '../../src/health/compute.js';
import { fleetHealth } from '../../src/health/fleet.js';
import { QueueHistory } from '../../src/health/history.js';
import { healthKey, type HealthContext, type QueueSample } from '../../src/health/model.js';
import type { Device, StorageVolume, Stream } from '../../src/model.js';
import { mapDevice } from '../../src/sources/epiphan/map.js';
import type { WireDevice } from '../../src/sources/epiphan/wire.js';
import { DOC_DEVICE } from '../fixtures/epiphan-doc.js';

const T = parseConfig({}, {}).health;
const NOW = new Date('2026-12-06T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
const CTX: HealthContext = { circuitOpen: false, queue: [] };

/** A device as the AV Studio mapping makes it from the document's payload, read by the store just now. */
function studio(wire: Partial<WireDevice> = {}): Device {
  const d = mapDevice('studio', 'AV_STUDIO', { ...DOC_DEVICE, Id: 'dev1', Status: 'Online', StateTime: ago(60 * MIN).getTime() / 1000, ...wire });
  return { ...d, observedAt: NOW };
}

const volume = (v: Partial<StorageVolume>): StorageVolume => ({
  kind: 'SD',
  totalBytes: 1000,
  usedBytes: 0,
  freeBytes: 1000,
  queuedSeconds: null,
  uploadEnabled: null,
  status: 'READY',
  ...v,
});

const rtmp = (ratio: number | null, state: Stream['state'] = 'LIVE'): Stream => ({
  sourceId: 'studio',
  deviceVendorId: 'dev1',
  vendorStreamId: 'rtmp',
  protocol: 'RTMP',
  direction: 'PUSH',
  state,
  url: 'rtmp://example.com/live/****',
  media: null,
  bitrateKbps: 2000,
  health: { throughputRatio: ratio, sentFrames: 10, sentBytes: 1000 },
  startedAt: null,
  keepAliveUntil: null,
});

const judge = (d: Device, ctx: Partial<HealthContext> = {}, t = T) => deviceHealth(d, { ...CTX, ...ctx }, t, NOW);
const codes = (d: Device, ctx: Partial<HealthContext> = {}, t = T) => judge(d, ctx, t).reasons.map((r) => `${r.code}:${r.severity}`);

describe('deviceHealth', () => {
  it('is OK with no reason for an online device read just now, and says how old the read is', () => {
    const h = judge(studio());
    expect(h).toEqual({ state: 'OK', reasons: [], staleSeconds: 0 });
    expect(judge({ ...studio(), observedAt: ago(42_500) }).staleSeconds).toBe(42);
    expect(judge({ ...studio(), observedAt: undefined }).staleSeconds).toBeNull();
  });

  it('OFFLINE: WARNING while offline less than offlineMinutes, CRITICAL from then on or when the vendor gives no time', () => {
    expect(codes(studio({ Status: 'Offline', StateTime: ago(T.offlineMinutes * MIN - 1000).getTime() / 1000 }))).toEqual(['OFFLINE:WARNING']);
    const long = judge(studio({ Status: 'Offline', StateTime: ago(T.offlineMinutes * MIN).getTime() / 1000 }));
    expect(long.state).toBe('CRITICAL');
    expect(long.reasons[0]).toMatchObject({ code: 'OFFLINE', severity: 'CRITICAL', message: `offline for ${T.offlineMinutes} min`, subject: null });
    expect(codes({ ...studio({ Status: 'Offline' }), lastSeenAt: null })).toEqual(['OFFLINE:CRITICAL']);
  });

  it('NOT_SEEN when the vendor cannot say whether it is online and has not seen it for offlineMinutes; CONNECTION_UNKNOWN before', () => {
    const unknown = { ...studio(), connection: 'UNKNOWN' as const };
    expect(codes({ ...unknown, lastSeenAt: ago(T.offlineMinutes * MIN + 1) })).toEqual(['NOT_SEEN:CRITICAL']);
    expect(codes({ ...unknown, lastSeenAt: ago(MIN) })).toEqual(['CONNECTION_UNKNOWN:UNKNOWN']);
    expect(judge({ ...unknown, lastSeenAt: null }).state).toBe('UNKNOWN');
    // an online device is trusted however long ago its state last changed
    expect(codes({ ...studio(), lastSeenAt: ago(1000 * MIN) })).toEqual([]);
  });

  it('NO_SIGNAL only while recording or streaming', () => {
    const signal = { present: false, width: null, height: null, interlaced: null, frameRate: null, audioSampleRate: null };
    expect(codes({ ...studio(), signal, isRecording: true })).toEqual(['NO_SIGNAL:CRITICAL']);
    expect(codes({ ...studio(), signal, isRecording: false, isStreaming: true })).toEqual(['NO_SIGNAL:CRITICAL']);
    expect(codes({ ...studio(), signal, isRecording: false, isStreaming: false })).toEqual([]);
    expect(codes({ ...studio(), signal: { ...signal, present: true }, isRecording: true })).toEqual([]);
  });

  it('STORAGE_LOW at storageWarnPercent (or LOW_SPACE) as WARNING, at storageCriticalPercent or FULL as CRITICAL', () => {
    const at = (pct: number, status: StorageVolume['status'] = 'READY') => ({ ...studio(), storage: [volume({ usedBytes: pct * 10, freeBytes: 1000 - pct * 10, status })] });
    expect(codes(at(T.storageWarnPercent - 1))).toEqual([]);
    expect(codes(at(T.storageWarnPercent))).toEqual(['STORAGE_LOW:WARNING']);
    expect(judge(at(T.storageWarnPercent)).reasons[0]).toMatchObject({ subject: 'SD', message: `SD storage low on space (${T.storageWarnPercent}% used)` });
    expect(codes(at(T.storageCriticalPercent))).toEqual(['STORAGE_LOW:CRITICAL']);
    expect(codes(at(10, 'LOW_SPACE'))).toEqual(['STORAGE_LOW:WARNING']);
    expect(codes(at(10, 'FULL'))).toEqual(['STORAGE_LOW:CRITICAL']);
    // free and total without used
    expect(codes({ ...studio(), storage: [volume({ usedBytes: null, freeBytes: 10 })] })).toEqual(['STORAGE_LOW:CRITICAL']);
    // the thresholds come from config
    const strict = parseConfig({ health: { storageWarnPercent: 5, storageCriticalPercent: 50 } }, {}).health;
    expect(codes(at(10), {}, strict)).toEqual(['STORAGE_LOW:WARNING']);
  });

  it('STORAGE_ERROR for a volume in error or read-only, one reason per volume; absent disks and the upload queue are no storage trouble', () => {
    const d = { ...studio(), storage: [volume({ kind: 'USB', status: 'ERROR' }), volume({ kind: 'SD', status: 'READ_ONLY' })] };
    expect(judge(d).reasons.map((r) => `${r.code}:${r.subject}`)).toEqual(['STORAGE_ERROR:USB', 'STORAGE_ERROR:SD']);
    const fine = { ...studio(), storage: [volume({ status: 'NOT_INSERTED', totalBytes: null, usedBytes: null }), volume({ kind: 'UPLOAD_QUEUE', totalBytes: null, usedBytes: 10 ** 9 })] };
    expect(codes(fine)).toEqual([]);
  });

  it('UPLOAD_QUEUE_GROWING when the queue never shrank over uploadQueueMinutes, across uploadQueueSamples readings, by uploadQueueGrowthSeconds', () => {
    const d = studio({ Telemetry: { state: { afu: { queue_duration: 300, queue_size: 1, speed: 0, state: false } } } });
    expect(d.storage[0]).toMatchObject({ kind: 'UPLOAD_QUEUE', queuedSeconds: 300, uploadEnabled: false });
    // readings `step` ms apart, the last one now
    const q = (step: number, ...seconds: number[]): QueueSample[] => seconds.map((s, i) => ({ at: NOW.getTime() - (seconds.length - 1 - i) * step, seconds: s }));
    expect(judge(d, { queue: q(30_000, 100, 140, 170) }).reasons).toEqual([
      { code: 'UPLOAD_QUEUE_GROWING', severity: 'WARNING', subject: 'UPLOAD_QUEUE', message: 'upload queue grew from 100 s to 170 s of footage over 1 min (upload is off)' },
    ]);
    expect(codes(d, { queue: q(30_000, 100, 170) })).toEqual([]); // too few readings
    expect(codes(d, { queue: q(30_000, 100, 180, 170) })).toEqual([]); // shrank once
    expect(codes(d, { queue: q(30_000, 100, 120, 159) })).toEqual([]); // grew less than uploadQueueGrowthSeconds
    expect(codes(d, { queue: q(30_000, 100, 100, 160) })).toEqual(['UPLOAD_QUEUE_GROWING:WARNING']); // standing still is not shrinking
    // read every 5 s while recording in real time: no two readings far apart, yet it grew 145 s in 2.4 min
    const often = q(5_000, ...Array.from({ length: 30 }, (_, i) => 1000 + 5 * i));
    expect(codes(d, { queue: often })).toEqual(['UPLOAD_QUEUE_GROWING:WARNING']);
    // what shrank before the window no longer counts, nor does growth older than it
    const old = T.uploadQueueMinutes * MIN;
    expect(codes(d, { queue: [{ at: NOW.getTime() - old - 1, seconds: 999 }, ...q(30_000, 100, 140, 170)] })).toEqual(['UPLOAD_QUEUE_GROWING:WARNING']);
    expect(codes(d, { queue: [{ at: NOW.getTime() - old - 1, seconds: 0 }, ...q(30_000, 100, 110, 120)] })).toEqual([]);
    const quick = parseConfig({ health: { uploadQueueSamples: 2, uploadQueueGrowthSeconds: 10 } }, {}).health;
    expect(codes(d, { queue: q(1000, 100, 110) }, quick)).toEqual(['UPLOAD_QUEUE_GROWING:WARNING']);
  });

  it('STREAM_UNDERRUN below throughputWarnRatio (CRITICAL below throughputCriticalRatio) for live streams; STREAM_FAILED', () => {
    // the AV Studio mapping carries the RTMP speed as throughputRatio
    const live = studio({ Telemetry: { state: { rtmp: { url: 'rtmp://example.com/live/key', speed: 0.7, bitrate: 2000, sent: { frames: 100, bytes: 1000 } } } } });
    expect(live.streams[0]!.health!.throughputRatio).toBe(0.7);
    expect(judge(live).reasons).toEqual([{ code: 'STREAM_UNDERRUN', severity: 'WARNING', subject: 'rtmp', message: 'RTMP stream rtmp sends at 0.70× real time' }]);
    expect(codes({ ...live, streams: [rtmp(T.throughputWarnRatio)] })).toEqual([]);
    expect(codes({ ...live, streams: [rtmp(T.throughputCriticalRatio - 0.01)] })).toEqual(['STREAM_UNDERRUN:CRITICAL']);
    expect(codes({ ...live, streams: [rtmp(0.1, 'STARTING')] })).toEqual([]);
    expect(codes({ ...live, streams: [rtmp(null)] })).toEqual([]);
    expect(codes({ ...live, streams: [rtmp(null, 'FAILED')] })).toEqual(['STREAM_FAILED:CRITICAL']);
  });

  it('FIRMWARE_FAILED when the last update or check failed', () => {
    const firmware = { version: '1.2', updateAvailable: true, updateInProgress: false, progressPercent: null };
    expect(judge({ ...studio(), firmware: { ...firmware, failure: 'DOWNLOAD_FAILED' } }).reasons).toEqual([
      { code: 'FIRMWARE_FAILED', severity: 'WARNING', subject: null, message: 'firmware update failed: DOWNLOAD_FAILED' },
    ]);
    expect(codes({ ...studio(), firmware: { ...firmware, failure: null } })).toEqual([]);
  });

  it('SOURCE_CIRCUIT_OPEN and STALE make an otherwise fine device UNKNOWN, not worse', () => {
    expect(judge(studio(), { circuitOpen: true })).toMatchObject({ state: 'UNKNOWN', reasons: [{ code: 'SOURCE_CIRCUIT_OPEN', severity: 'UNKNOWN' }] });
    const old = { ...studio(), observedAt: ago(T.staleMinutes * MIN) };
    expect(judge(old)).toMatchObject({ state: 'UNKNOWN', staleSeconds: T.staleMinutes * 60, reasons: [{ code: 'STALE', message: `last read ${T.staleMinutes} min ago` }] });
    expect(codes({ ...studio(), observedAt: ago(T.staleMinutes * MIN - 1000) })).toEqual([]);
  });

  it('is its worst reason, worst first', () => {
    const d = { ...studio({ Status: 'Offline', StateTime: ago(MIN).getTime() / 1000 }), storage: [volume({ status: 'FULL' })] };
    const h = judge(d, { circuitOpen: true });
    expect(h.state).toBe('CRITICAL');
    expect(h.reasons.map((r) => r.code)).toEqual(['STORAGE_LOW', 'OFFLINE', 'SOURCE_CIRCUIT_OPEN']);
  });

  it('compares healths by state and reasons, not by wording', () => {
    const a = judge(studio({ Status: 'Offline', StateTime: ago(6 * MIN).getTime() / 1000 }));
    const b = judge(studio({ Status: 'Offline', StateTime: ago(9 * MIN).getTime() / 1000 }));
    expect(a.reasons[0]!.message).not.toBe(b.reasons[0]!.message);
    expect(healthKey(a)).toBe(healthKey(b));
    expect(healthKey(a)).not.toBe(healthKey(judge(studio())));
  });
});

describe('QueueHistory', () => {
  const withQueue = (seconds: number | null, at: number): Device => ({
    ...studio(),
    observedAt: new Date(at),
    storage: seconds === null ? [] : [volume({ kind: 'UPLOAD_QUEUE', queuedSeconds: seconds })],
  });

  it('keeps the readings of the window, once per read, and forgets a device whose queue is gone', () => {
    const h = new QueueHistory(10_000);
    h.record(withQueue(1, 1000));
    h.record(withQueue(1, 1000)); // the same read again (another replica's)
    h.record(withQueue(5, 500)); // an older read arriving late
    h.record(withQueue(2, 2000));
    h.record(withQueue(3, 11_000));
    h.record(withQueue(4, 12_000));
    expect(h.of(withQueue(0, 0))).toEqual([
      { at: 2000, seconds: 2 },
      { at: 11_000, seconds: 3 },
      { at: 12_000, seconds: 4 },
    ]);
    h.record(withQueue(null, 13_000));
    expect(h.of(withQueue(0, 0))).toEqual([]);
  });

  it('keeps one reading per 1/64 of the window and the newest, however often a device is read: the window keeps its length', () => {
    // a 64 s window read every 100 ms for 128 s: 1280 readings
    const h = new QueueHistory(64_000);
    for (let i = 1; i <= 1280; i++) h.record(withQueue(i, i * 100));
    const kept = h.of(withQueue(0, 0));
    expect(kept.length).toBeLessThanOrEqual(66);
    expect(kept.at(-1)).toEqual({ at: 128_000, seconds: 1280 });
    // the oldest kept reading is from the start of the window, not 6.4 s ago
    expect(kept[0]!.at).toBeGreaterThanOrEqual(128_000 - 64_000);
    expect(kept[0]!.at).toBeLessThan(128_000 - 64_000 + 1000);
    for (let i = 1; i < kept.length - 1; i++) expect(kept[i]!.at - kept[i - 1]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('drops the readings of devices a successful poll of their source no longer shows', () => {
    const h = new QueueHistory(10_000);
    const other = { ...withQueue(1, 1000), sourceId: 'cloud' };
    const gone = { ...withQueue(1, 1000), vendorDeviceId: 'dev2' };
    for (const d of [withQueue(1, 1000), gone, other]) h.record(d);
    h.retain('studio', [withQueue(2, 2000)]);
    expect(h.of(withQueue(0, 0))).toEqual([{ at: 1000, seconds: 1 }]);
    expect(h.of(gone)).toEqual([]);
    expect(h.of(other)).toEqual([{ at: 1000, seconds: 1 }]);
  });
});

describe('fleetHealth', () => {
  it('counts by state and source, and sorts worst first, then longest unread, then by name', () => {
    const dev = (sourceId: string, name: string, state: 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN', staleSeconds: number) => ({
      device: { ...studio(), sourceId, name, vendorDeviceId: name },
      health: { state, reasons: [], staleSeconds },
    });
    const r = fleetHealth(
      [dev('a', 'w1', 'WARNING', 5), dev('a', 'ok', 'OK', 100), dev('b', 'c1', 'CRITICAL', 1), dev('b', 'w2', 'WARNING', 50), dev('b', 'u', 'UNKNOWN', 500), dev('a', 'c0', 'CRITICAL', 1)],
      ['a', 'b', 'empty'],
    );
    expect(r.counts).toEqual({ OK: 1, UNKNOWN: 1, WARNING: 2, CRITICAL: 2, total: 6 });
    expect(r.bySource).toEqual([
      { sourceId: 'a', counts: { OK: 1, UNKNOWN: 0, WARNING: 1, CRITICAL: 1, total: 3 } },
      { sourceId: 'b', counts: { OK: 0, UNKNOWN: 1, WARNING: 1, CRITICAL: 1, total: 3 } },
      { sourceId: 'empty', counts: { OK: 0, UNKNOWN: 0, WARNING: 0, CRITICAL: 0, total: 0 } },
    ]);
    expect(r.worstFirst.map((j) => j.device.name)).toEqual(['c0', 'c1', 'w2', 'w1', 'u', 'ok']);
  });
});

describe('the health block of the config', () => {
  it('has defaults and refuses warning thresholds past the critical ones', () => {
    expect(T).toEqual({
      offlineMinutes: 5,
      staleMinutes: 5,
      storageWarnPercent: 85,
      storageCriticalPercent: 95,
      throughputWarnRatio: 0.95,
      throughputCriticalRatio: 0.5,
      uploadQueueMinutes: 5,
      uploadQueueSamples: 3,
      uploadQueueGrowthSeconds: 60,
    });
    expect(() => parseConfig({ health: { storageWarnPercent: 96 } }, {})).toThrow('config: health.storageWarnPercent: must not exceed storageCriticalPercent');
    expect(() => parseConfig({ health: { throughputCriticalRatio: 0.99 } }, {})).toThrow('config: health.throughputCriticalRatio: must not exceed throughputWarnRatio');
    expect(() => parseConfig({ health: { offlineMinute: 1 } }, {})).toThrow(/health/);
  });
});
