import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siblingUri } from '../../src/media/hls.js';
import { Stack } from '../helpers/stack.js';

/** The URIs a playlist names (its non-tag lines). */
const uris = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));

/** Another origin than publicUrl: a wall screen that reached avgraph by another host name. */
const WALL = 'http://avgraph.wall.example:8080';

describe('signed HLS playlists name their children relative to themselves', () => {
  const stack = new Stack({ fleetSize: 1, videoloft: 1, timeScale: 50, videoloftTiming: { liveEveryMs: 100, liveHoldMs: 1500 } });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  /** `uri` resolved against the playlist as the wall screen fetched it; then fetched from avgraph by that path. */
  const follow = async (playlistUrl: string, uri: string) => {
    const seen = new URL(playlistUrl);
    const resolved = new URL(uri, `${WALL}${seen.pathname}${seen.search}`);
    expect(resolved.origin).toBe(WALL);
    // a valid signature for an unexpired /media URL of the same source
    const verdict = stack.app.runtime.media.verify(resolved.pathname, resolved.searchParams);
    expect(verdict).toMatchObject({ ok: true, media: { sourceId: 'cams' } });
    expect(resolved.pathname.startsWith('/media/cams/')).toBe(true);
    return { url: `${stack.url}${resolved.pathname}${resolved.search}`, res: await stack.get(`${resolved.pathname}${resolved.search}`) };
  };

  it('keeps a signed URL’s last segment and query', () => {
    expect(siblingUri('https://avgraph.example/base/media/cams/c2VnMA?exp=60&sig=a-b_c')).toBe('c2VnMA?exp=60&sig=a-b_c');
  });

  it('a recorded event: each segment is a relative URI resolving to a signed /media URL of any origin', async () => {
    const [cam] = await stack.deviceIds('cams');
    const r = await stack.gql(`query($id:ID!){ device(id:$id) { recordings(first: 1) { edges { node { playback { hlsUrl } } } } } }`, { id: cam!.id });
    const hlsUrl: string = r.data.device.recordings.edges[0].node.playback.hlsUrl;
    const playlist = await stack.get(hlsUrl);
    expect(playlist.status).toBe(200);
    const segments = uris(playlist.body.toString());
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) {
      // no scheme, no host, no absolute path: nothing of publicUrl
      expect(s).toMatch(/^[A-Za-z0-9_-]+\?exp=\d+&sig=[A-Za-z0-9_-]+$/);
      const { res } = await follow(hlsUrl, s);
      expect(res.status).toBe(200);
      expect(res.body[0]).toBe(0x47); // an MPEG-TS packet
    }
  });

  it('live: the master names its chunklist relatively, and the chunklist its segments', async () => {
    const cam = (await stack.deviceIds('cams')).find((c) => c.connection === 'ONLINE')!;
    const start = await stack.gql(`mutation($id:ID!){ r: startStream(deviceId:$id) { __typename ... on StartStreamSuccess { stream { url } } } }`, { id: cam.id });
    expect(start.data.r.__typename).toBe('StartStreamSuccess');
    try {
      const masterUrl: string = start.data.r.stream.url;
      const master = await stack.get(masterUrl);
      const [child] = uris(master.body.toString());
      expect(child).toMatch(/^[A-Za-z0-9_-]+\?/);
      const chunklist = await follow(masterUrl, child!);
      expect(chunklist.res.status).toBe(200);
      const [segment] = uris(chunklist.res.body.toString());
      expect(segment).toMatch(/^[A-Za-z0-9_-]+\?/);
      const seg = await follow(chunklist.url, segment!);
      expect(seg.res.body[0]).toBe(0x47);
    } finally {
      await stack.gql(`mutation($id:ID!){ stopStream(deviceId:$id) { __typename } }`, { id: cam.id });
    }
  });
});
