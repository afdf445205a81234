import { describe, expect, it } from 'vitest';
import { rewritePlaylist } from '../../src/media/hls.js';
import {
  accessShare,
  alertList,
  canControl,
  capabilitiesFor,
  flattenTree,
  mapAlert,
  mapCamera,
  mapConnection,
  RealtimeParser,
  statusByUidd,
  treeErrors,
} from '../../src/sources/videoloft/map.js';

// Payloads from ../shared/vendor-docs/videoloft.md (its /devices example is not valid JSON; this is its intent).
const DEVICES = {
  result: {
    '329475': {
      devices: {
        '56': { uidd: '329475.56', phonename: 'Room 1', permissions: ['r'] },
        '59': { uidd: '329475.59', phonename: 'Garden', permissions: ['a'] },
      },
      alias: 'Customer 1',
    },
    '400123': {
      devices: {
        '1': { uidd: '400123.1', phonename: 'Kitchen', permissions: ['r'] },
        '2': { uidd: '400123.2', phonename: 'Hall', permissions: ['a'] },
      },
      alias: 'Customer 2',
    },
  },
  errors: [{ '1.1': 'Unauthorized' }],
};
const VIEWER_INFO = {
  uidd: '329475.59',
  phonename: 'Garden',
  permissions: ['a'],
  wowza: 'uswest2-wowza-1539961359-i-05490f5803c3c88ff.manything.com',
  logger: 'uswest2-logger-1540310790-i-0f24403219cd83749.manything.com',
  cloudRecordingEnabled: 1,
  appVersion: '2.24.2',
  deviceType: 'ipcam201701',
  streamname: '329475.59_94213-nr',
  language: 'en-GB',
  phoneid: 'DS-7204HUHI-K10420180126CCWRC04758466WCVU@01',
};
const STATUS = {
  result: {
    '12345': {
      devices: {
        '46': {
          uid: '12345.46', permissions: ['a'], session: null, live: true, startt: 0, lastchunkend: null, endt: null,
          lastactivity: 1520250794022, lastthumb: 1579791887, laststill: 1578999321, stillmode: 'unknown',
          wowza: 'uswest2-wowza-1549300082-i-05967ac0e1b1b5f87.manything.com', device: true, status: 'offline',
          lastalert: 0, battery: null, power: 'unknown', stalepower: 1, facebookStreamId: null, queue_mb: null, queue_sec: null,
        },
      },
    },
  },
};
const REALTIME_LIVE = {
  type: 'liveSession',
  data: {
    session: 1613158412, live: true, startt: 1613741672313, lastchunkend: 1613741672311, endt: null, lastactivity: 1613741844000,
    lastthumb: 1613741823, laststill: 1613741020, stillmode: 'video_only', wowza: 'euwes1-wowza-1611946206-i-0be12753c9156d4e3.manything.com',
    uidd: '827029.20428', device: true, status: 'live', lastalert: 1613741020, battery: null, power: null, stalepower: 1,
  },
};
const REALTIME_ALERT = {
  type: 'alert',
  data: { uid: '250843.27', id: 1613745105, rom: 1, startt: 1613745105000, enddt: 1613745117000, smx: '0a', aud: null, tz: 0, type: 'motion', has_hdstill: 0 },
};

describe('Videoloft mapping', () => {
  it('flattens devices grouped by owner, with alias and permissions', () => {
    expect(flattenTree(DEVICES).map((d) => [d.owner, d.alias, d.device.uidd, d.device.permissions])).toEqual([
      ['329475', 'Customer 1', '329475.56', ['r']],
      ['329475', 'Customer 1', '329475.59', ['a']],
      ['400123', 'Customer 2', '400123.1', ['r']],
      ['400123', 'Customer 2', '400123.2', ['a']],
    ]);
    expect(treeErrors(DEVICES)).toEqual([{ uidd: '1.1', reason: 'Unauthorized' }]);
  });

  it('reads camera status keyed by uid', () => {
    const s = statusByUidd(STATUS).get('12345.46');
    expect(s).toMatchObject({ live: true, lastthumb: 1579791887, status: 'offline' });
    expect(mapConnection('live')).toBe('ONLINE');
    expect(mapConnection('novideo')).toBe('OFFLINE');
    expect(mapConnection('offline')).toBe('OFFLINE');
    expect(mapConnection(undefined)).toBe('UNKNOWN');
  });

  it('maps a camera: uidd id, live stream via /media, newest of thumb and still as latest snapshot', () => {
    const d = mapCamera({ sourceId: 'cams', owner: '329475', alias: 'Customer 1', info: VIEWER_INFO, status: statusByUidd(STATUS).get('12345.46'), keepAliveUntil: null });
    expect(d).toMatchObject({
      vendorDeviceId: '329475.59',
      name: 'Garden',
      kind: 'CAMERA',
      connection: 'OFFLINE',
      isStreaming: true,
      lastSeenAt: new Date(1520250794022),
      capabilities: ['LIVE_STREAM', 'SNAPSHOT_CAPTURE', 'TRIGGER_EVENT', 'PTZ'],
    });
    expect(d.streams[0]).toMatchObject({ protocol: 'HLS', direction: 'PLAYBACK', state: 'LIVE', url: null, media: { ref: 'live:329475.59' } });
    expect(d.latestSnapshot).toMatchObject({ size: 'THUMB', takenAt: new Date(1579791887000), media: { ref: 'getthumb:329475.59/1579791887' } });
  });

  it('offers PTZ only on Hikvision cameras', () => {
    expect(capabilitiesFor({ uidd: 'x', phoneid: 'DS-2CD2042WD-I20161005BBWR653544863' })).toContain('PTZ');
    expect(capabilitiesFor({ uidd: 'x', phoneid: 'AXIS-M3045' })).not.toContain('PTZ');
  });

  it.each(['endtt', 'enddt', 'endt', 'end'])('accepts the end spelled %s', (key) => {
    const r = mapAlert('cams', '599.63', { alert: 1540567030, startt: 1540567026000, [key]: 1540567037000, rom: 1, type: 'motion' });
    expect(r).toMatchObject({ status: 'READY', trigger: 'MOTION', durationSeconds: 11, vendorRecordingId: '1540567030' });
    expect(r!.hls!.ref).toBe('alerthls:599.63/1540567030/1540567026/1540567037/1');
    expect(r!.mp4!.ref).toBe('alertmp4:599.63/1540567030/1540567026/1540567037/1');
    expect(r!.thumbnail!.ref).toBe('alertthumb:599.63/1540567030');
  });

  it('maps triggers: rom 0 is continuous, audio, and an open alert is in progress', () => {
    expect(mapAlert('c', 'u', { alert: 1, startt: 1000, endtt: 2000, rom: 0, type: 'motion' })!.trigger).toBe('CONTINUOUS');
    expect(mapAlert('c', 'u', { alert: 1, startt: 1000, endtt: 2000, rom: 1, type: 'audio' })!.trigger).toBe('AUDIO');
    expect(mapAlert('c', 'u', { alert: 1, startt: 1000, endtt: null, rom: 1, type: 'motion' })).toMatchObject({ status: 'IN_PROGRESS', endedAt: null, hls: null });
    expect(alertList({ result: [{ alert: 1, startt: 1 }] })).toHaveLength(1);
    expect(alertList([{ alert: 1, startt: 1 }])).toHaveLength(1);
  });

  it('turns access to other owners\' cameras into shares, and gates control on a/w', () => {
    expect(accessShare('c', '400123.1', '329475', '400123', ['r'])).toEqual([
      expect.objectContaining({ kind: 'ACCOUNT_ACCESS', grantee: '329475', rights: ['VIEW'] }),
    ]);
    expect(accessShare('c', '400123.2', '329475', '400123', ['a'])[0]!.rights).toEqual(['ADMIN']);
    expect(accessShare('c', '329475.59', '329475', '329475', ['a'])).toEqual([]);
    expect(canControl(['r'])).toBe(false);
    expect(canControl(['r', 'w'])).toBe(true);
    expect(canControl(['a'])).toBe(true);
  });
});

describe('Videoloft realtime parsing', () => {
  it('reads SSE data lines, bare objects and the document\'s "data": {...} shape', () => {
    const text = `data: ${JSON.stringify(REALTIME_LIVE)}\n\n${JSON.stringify(REALTIME_ALERT)}"data":${JSON.stringify(REALTIME_ALERT)}`;
    const parser = new RealtimeParser(1 << 20);
    expect(parser.push(Buffer.from(text)).map((m) => m.type)).toEqual(['liveSession', 'alert', 'alert']);
    // nothing was left unfinished: the next message stands alone
    expect(parser.push(Buffer.from(JSON.stringify(REALTIME_LIVE))).map((m) => m.type)).toEqual(['liveSession']);
  });

  it('keeps a message cut across chunks until it is complete, whatever the cut', () => {
    const full = `data: ${JSON.stringify(REALTIME_LIVE)}\n\ndata: ${JSON.stringify(REALTIME_ALERT)}\n\n`;
    const bytes = Buffer.from(full);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const parser = new RealtimeParser(1 << 20);
      const got = [...parser.push(bytes.subarray(0, cut)), ...parser.push(bytes.subarray(cut))];
      expect(got.map((m) => m.type)).toEqual(['liveSession', 'alert']);
    }
  });

  it('ignores braces inside strings', () => {
    const m = { type: 'alert', data: { uid: '1.2', id: 3, startt: 1, type: 'motion', note: 'a } { b' } };
    expect(new RealtimeParser(1 << 20).push(Buffer.from(JSON.stringify(m)))).toHaveLength(1);
  });
});

describe('HLS playlist rewriting', () => {
  it('rewrites segment lines and URI attributes, dropping what the mapper refuses', () => {
    const text = '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="key.bin"\n#EXTINF:4.0,\nseg0.ts?token=T\n#EXTINF:4.0,\nsecret/T/seg1.ts\n#EXT-X-ENDLIST\n';
    const out = rewritePlaylist(text, (u) => (u.includes('/T/') ? null : `https://avgraph/media/${encodeURIComponent(u)}`));
    expect(out).toBe(
      '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="https://avgraph/media/key.bin"\n#EXTINF:4.0,\nhttps://avgraph/media/seg0.ts%3Ftoken%3DT\n#EXTINF:4.0,\n#EXT-X-ENDLIST\n',
    );
  });
});
