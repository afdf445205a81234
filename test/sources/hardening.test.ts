import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { childId, encodeGlobalId } from '../../src/ids.js';
import { readPages } from '../../src/sources/paging.js';
import { filePath, pathSegment, vendorUrlPath } from '../../src/sources/path.js';
import { RealtimeOverflowError, RealtimeParser } from '../../src/sources/videoloft/map.js';
import type { SourceEvent } from '../../src/sources/source.js';
import { EV_KEY, Stack, eventually } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field }`;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((n, v) => n + v, 0);

describe('readPages', () => {
  const pages = (make: (index: number) => string[]) => {
    let calls = 0;
    const fetch = async (index: number) => {
      calls++;
      return make(index);
    };
    return { fetch, calls: () => calls };
  };
  const opts = { what: 'test', idOf: (x: string) => x, isLast: (p: string[]) => p.length < 3 };

  it('reads until the last page, keeping order and dropping repeats', async () => {
    const p = pages((i) => (i < 2 ? [`a${i}`, `b${i}`, 'a0'] : ['z']));
    expect(await readPages(p.fetch, opts)).toEqual({ items: ['a0', 'b0', 'a1', 'b1', 'z'], cut: null });
    expect(p.calls()).toBe(3);
  });

  it('stops at a page that repeats the previous one (a vendor ignoring the offset)', async () => {
    const p = pages(() => ['a', 'b', 'c']);
    expect(await readPages(p.fetch, opts)).toEqual({ items: ['a', 'b', 'c'], cut: 'REPEATED_PAGE' });
    expect(p.calls()).toBe(2);
  });

  it('stops after maxPages and after maxItems, returning what was read', async () => {
    const endless = pages((i) => [`${i}a`, `${i}b`, `${i}c`]);
    const byPages = await readPages(endless.fetch, opts);
    expect(byPages.cut).toBe('PAGE_LIMIT');
    expect(endless.calls()).toBe(50);
    expect(byPages.items).toHaveLength(150);
    const byItems = await readPages(pages((i) => [`${i}a`, `${i}b`, `${i}c`]).fetch, { ...opts, maxItems: 7 });
    expect(byItems).toMatchObject({ cut: 'ITEM_LIMIT', items: ['0a', '0b', '0c', '1a', '1b', '1c', '2a'] });
  });
});

describe('pathSegment and vendor paths', () => {
  it('refuses dot segments (also percent-encoded, repeatedly), separators, control characters and overlong values', () => {
    for (const bad of ['', '.', '..', '%2E%2E', '%2e.', '%252E%252E', 'a/b', 'a%2Fb', 'a\\b', 'a?b', 'a#b', 'a\nb', 'a%00b', 'x'.repeat(257)]) {
      expect(() => pathSegment(bad, 'deviceId'), bad).toThrow(ValidationError);
    }
    try {
      pathSegment('..', 'deviceId');
    } catch (e) {
      expect((e as ValidationError).field).toBe('deviceId');
    }
  });

  it('encodes what it lets through', () => {
    expect(pathSegment('gate-0', 'deviceId')).toBe('gate-0');
    expect(pathSegment('a b:c%zz', 'deviceId')).toBe('a%20b%3Ac%25zz');
    expect(pathSegment('...', 'deviceId')).toBe('...');
  });

  it('checks every segment of a path a vendor gave', () => {
    expect(filePath('/media/disk0/REC Folder/VID_1.mp4', 'path')).toBe('/media/disk0/REC%20Folder/VID_1.mp4');
    expect(() => filePath('/media/disk0/%2e%2e/etc', 'path')).toThrow(ValidationError);
    expect(vendorUrlPath('chunks/D1/v2/video/000.mp4?t=1', 'chunk')).toBe('chunks/D1/v2/video/000.mp4?t=1');
    expect(() => vendorUrlPath('chunks/../../users/me', 'chunk')).toThrow(ValidationError);
  });
});

describe('RealtimeParser', () => {
  const msg = (n: number) => `data: ${JSON.stringify({ type: 'alert', data: { uid: '1.2', id: n, note: 'a } { "b' } })}\n\n`;

  it('parses messages cut anywhere, byte by byte included, even inside a multi-byte character', () => {
    const bytes = Buffer.from(msg(1) + msg(2).replace('a }', 'é }'));
    const p = new RealtimeParser(1024);
    const got = [...bytes].flatMap((b) => p.push(Buffer.from([b])));
    expect(got.map((m) => m.data.id)).toEqual([1, 2]);
    expect((got[1]!.data as unknown as { note: string }).note).toBe('é } { "b');
    expect(p.buffered).toBe(0);
  });

  it('refuses a message over the bound, holding no more than the bound plus one chunk', () => {
    const p = new RealtimeParser(1024 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    p.push(Buffer.from('data: {"type":"alert","data":{"note":"'));
    let pushed = 0;
    let peak = 0;
    expect(() => {
      for (;;) {
        p.push(chunk);
        pushed += chunk.length;
        peak = Math.max(peak, p.buffered);
      }
    }).toThrow(RealtimeOverflowError);
    expect(peak).toBeLessThanOrEqual(1024 * 1024);
    expect(pushed).toBeLessThanOrEqual(1024 * 1024);
  });

  it('reads a long message in linear time (the old parser rescanned the whole buffer per chunk)', () => {
    const p = new RealtimeParser(64 * 1024 * 1024);
    const note = Buffer.alloc(16 * 1024, 0x61);
    const t0 = performance.now();
    p.push(Buffer.from('{"type":"alert","data":{"uid":"1.2","note":"'));
    for (let i = 0; i < 1000; i++) p.push(note);
    const done = p.push(Buffer.from('"}}'));
    expect(done).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('vendor-facing hardening through GraphQL', () => {
  const stack = new Stack({ magewell: 1, videoloft: 2, evercam: true, videoloftTiming: { feedReconnectMs: 60_000 } });
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }) => void (w.code === 'AVGRAPH_PAGING_CUT' && warnings.push(w.message));
  let vlCams: { id: string; vendorDeviceId: string; connection: string }[];

  const vlServers = () => [stack.videoloft!.auth, stack.videoloft!.wowza, ...stack.videoloft!.loggers];
  const vlCounts = () => {
    const out: Record<string, number> = {};
    for (const s of vlServers()) for (const [k, v] of Object.entries(s.requestCounts())) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const vlCtl = (name: string, body: object = {}) =>
    fetch(`http://127.0.0.1:${(stack.videoloft!.auth as any).server.address().port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
  const mwCtl = (name: string, body: object = {}) =>
    fetch(`http://127.0.0.1:${stack.magewell!.encoders[0]!.port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
  const evCtl = (name: string, body: object = {}) =>
    fetch(`http://127.0.0.1:${(stack.evercam!.server as any).server.address().port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
  /** Every request any simulator got. */
  const allCounts = () =>
    total(stack.cloud.server.requestCounts()) +
    total(stack.studio.server.requestCounts()) +
    total(stack.evercam!.server.requestCounts()) +
    total(vlCounts()) +
    stack.magewell!.encoders.reduce((n, e) => n + total(e.server.requestCounts()), 0);
  const resetAll = () => {
    for (const s of [stack.cloud.server, stack.studio.server, stack.evercam!.server, ...vlServers(), ...stack.magewell!.encoders.map((e) => e.server)]) s.resetCounts();
  };

  beforeAll(async () => {
    process.on('warning', onWarning);
    await stack.start();
    vlCams = await stack.deviceIds('cams');
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await stack.close();
  });

  describe('a vendor that ignores paging costs a bounded number of calls', () => {
    const RECS = `query($id:ID!,$from:DateTime){ device(id:$id) { recordings(from:$from, first: 100) { edges { node { id } } } } }`;
    const count = (r: { data?: any }) => r.data.device.recordings.edges.length;

    it('Magewell get-media-files answering the same page whatever start is', async () => {
      const [enc] = await stack.deviceIds('encoders');
      await mwCtl('add-files', { disk: 0, count: 120 });
      const from = new Date(Date.now() - 30 * 3600_000).toISOString();
      const server = stack.magewell!.encoders[0]!.server;
      server.resetCounts();
      await stack.gql(RECS, { id: enc!.id, from });
      // 121 files on USB (3 pages of 50), 1 on SD
      expect(server.requestCounts()['GET get-media-files']).toBe(4);

      await mwCtl('ignore-paging', { on: true });
      server.resetCounts();
      const r = await stack.gql(RECS, { id: enc!.id, from });
      expect(r.errors).toBeUndefined();
      expect(count(r)).toBe(51);
      // USB: page 0, page 1 repeats it; SD: one short page
      expect(server.requestCounts()['GET get-media-files']).toBe(3);
      expect(warnings.some((w) => w.includes('get-media-files') && w.includes('REPEATED_PAGE'))).toBe(true);
      await mwCtl('ignore-paging', { on: false });
    });

    it('Videoloft alerts ignoring the offset: range and find-by-id loops', async () => {
      const cam = vlCams.find((c) => c.vendorDeviceId.startsWith('329475.'))!;
      await vlCtl('add-alerts', { uidd: cam.vendorDeviceId, count: 120 });
      await vlCtl('ignore-paging', { on: true });
      resetAll();
      const r = await stack.gql(RECS, { id: cam.id, from: null });
      expect(r.errors).toBeUndefined();
      expect(count(r)).toBe(50);
      expect(vlCounts()['GET /alert']).toBe(2);

      resetAll();
      const missing = encodeGlobalId('Recording', 'cams', childId(cam.vendorDeviceId, '999'));
      const node = await stack.gql(`query($id:ID!){ node(id:$id) { id } }`, { id: missing });
      expect(node.data.node).toBeNull();
      // the old loop read 50 pages looking for it
      expect(vlCounts()['GET /alert']).toBe(2);
      expect(warnings.some((w) => w.includes('cams: GET alert'))).toBe(true);
      await vlCtl('ignore-paging', { on: false });
    });
  });

  it('drops a realtime message that never ends, cuts the connection after about 1 MiB, and keeps working', async () => {
    const source = stack.videoloftSource!;
    const events: SourceEvent[] = [];
    await vlCtl('endless-feed', { count: stack.videoloft!.loggers.length });
    const stop = source.watch((e) => events.push(e));
    try {
      const endless = await eventually(() => stack.videoloft!.endless.length === 2 && stack.videoloft!.endless.every((x) => x.closed) && stack.videoloft!.endless, 5000, 'the endless replies cut');
      // what the client read before cutting is the 1 MiB bound; the rest sat in socket buffers
      for (const x of endless) expect(x.sent).toBeLessThan(32 * 1024 * 1024);
      const feed = (source as any).feed;
      expect(feed.overflows).toBe(2);
      // both loggers' connections come back (each says so with a resync) and carry events again
      await eventually(() => feed.up === 2 && events.filter((e) => e.type === 'resync').length === 2, 5000, 'the feed back up');
      expect(feed.buffered).toBe(0);
      const cam = vlCams.find((c) => c.connection === 'ONLINE')!;
      const alert = await vlCtl('motion', { uidd: cam.vendorDeviceId });
      await eventually(() => events.some((e) => e.type === 'recordingAdded' && e.recording.vendorRecordingId === String(alert.alert)), 3000, 'the alert pushed');
    } finally {
      stop();
    }
  });

  it('never lets an Evercam message echoing the request URL carry the api_key', async () => {
    const gate = (await stack.deviceIds('sites')).find((c) => c.vendorDeviceId === 'gate-0')!;
    await evCtl('echo-url', { count: 1, method: 'POST' });
    const r = await stack.gql(`mutation($id:ID!){ r: captureSnapshot(deviceId:$id) { ${RESULT} } }`, { id: gate.id });
    expect(r.data.r.__typename).toBe('ValidationError');
    // the vendor's message did come through, scrubbed
    expect(r.data.r.message).toMatch(/^Evercam: Invalid parameters for POST http:\/\/127\.0\.0\.1:\d+\/v1\/cameras\/gate-0\/snapshots\.json\?api_id=\*\*\*&api_key=\*\*\*$/);
    expect(JSON.stringify(r)).not.toContain(EV_KEY);
  });

  describe('ids that would leave the API path are refused before any call', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['Evercam deleteSnapshot, "%2E%2E" device part', `mutation($id:ID!){ r: deleteSnapshot(id:$id) { ${RESULT} } }`, { id: encodeGlobalId('Snapshot', 'sites', '%252E%252E/1718000000') }],
      ['Evercam deleteSnapshot, ".." device part', `mutation($id:ID!){ r: deleteSnapshot(id:$id) { ${RESULT} } }`, { id: encodeGlobalId('Snapshot', 'sites', '%2E%2E/1718000000') }],
      ['Evercam deleteShare', `mutation($id:ID!){ r: deleteShare(id:$id) { ${RESULT} } }`, { id: encodeGlobalId('Share', 'sites', '..%2F..%2Fusers/1') }],
      ['Evercam removeCamera', `mutation($id:ID!){ r: removeCamera(deviceId:$id) { ${RESULT} } }`, { id: encodeGlobalId('Device', 'sites', '..') }],
      ['Evercam updateCamera', `mutation($id:ID!){ r: updateCamera(deviceId:$id, input:{ name: "x" }) { ${RESULT} } }`, { id: encodeGlobalId('Device', 'sites', '%2e%2e') }],
    ];
    for (const [name, query, vars] of cases) {
      it(name, async () => {
        resetAll();
        const r = await stack.gql(query, vars);
        expect(r.data.r).toMatchObject({ __typename: 'ValidationError', field: 'deviceId' });
        expect(allCounts()).toBe(0);
      });
    }

    it('AV Studio recording lookup and Evercam catalogue', async () => {
      resetAll();
      const rec = await stack.gql(`query($id:ID!){ node(id:$id) { id } }`, { id: encodeGlobalId('Recording', 'studio', '%2E%2E/1718000000000') });
      expect(rec.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deviceId' });
      const model = await stack.gql(`{ cameraModel(sourceId:"sites", vendor:"..", name:"x") { name } }`);
      expect(model.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'vendor' });
      expect(allCounts()).toBe(0);
    });
  });

  describe('free text going upstream is bounded before any call', () => {
    const deviceOf = async (source: string) => (await stack.deviceIds(source)).find((d) => d.connection === 'ONLINE')!.id;

    it('rtmpUrl, for every vendor', async () => {
      const long = `rtmp://live.example.com/app/${'k'.repeat(10_000)}`;
      for (const source of ['studio', 'encoders', 'cams']) {
        const id = await deviceOf(source);
        for (const rtmpUrl of [long, 'rtmp://live.example.com/app/key with space', 'http://live.example.com/app/key', 'rtmp://live.example.com/app/k\u0000ey']) {
          resetAll();
          const r = await stack.gql(`mutation($id:ID!,$u:String){ r: startStream(deviceId:$id, rtmpUrl:$u) { ${RESULT} } }`, { id, u: rtmpUrl });
          expect(r.data.r, `${source} ${rtmpUrl.slice(0, 40)}`).toMatchObject({ __typename: 'ValidationError', field: 'rtmpUrl' });
          expect(allCounts()).toBe(0);
        }
      }
    });

    it('names, notes, share emails, pairing codes and camera fields', async () => {
      const big = 'x'.repeat(10_000);
      const cases: [string, Record<string, unknown>, string][] = [
        [`mutation($id:ID!,$s:String!){ r: renameDevice(deviceId:$id, name:$s) { ${RESULT} } }`, { id: await deviceOf('encoders'), s: big }, 'name'],
        [`mutation($id:ID!,$s:String){ r: captureSnapshot(deviceId:$id, notes:$s) { ${RESULT} } }`, { id: await deviceOf('sites'), s: big }, 'notes'],
        [`mutation($id:ID!,$s:String!){ r: createShare(deviceId:$id, email:$s, rights:[VIEW]) { ${RESULT} } }`, { id: await deviceOf('sites'), s: `${big}@example.com` }, 'email'],
        [`mutation($s:String!){ r: pairDevice(sourceId:"studio", pairingCode:$s) { ${RESULT} } }`, { s: big }, 'pairingCode'],
        [`mutation($s:String!){ r: addCamera(sourceId:"sites", input:{ name: "Gate 2", jpgUrl: $s }) { ${RESULT} } }`, { s: `/${big}` }, 'jpgUrl'],
        [`mutation($s:String!){ r: addCamera(sourceId:"sites", input:{ name: "Gate 2", externalHost: $s }) { ${RESULT} } }`, { s: big }, 'externalHost'],
      ];
      for (const [query, vars, field] of cases) {
        resetAll();
        const r = await stack.gql(query, vars);
        expect(r.data.r, field).toMatchObject({ __typename: 'ValidationError', field });
        expect(allCounts()).toBe(0);
      }
    });
  });
});
