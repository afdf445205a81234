import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field }`;
const TEST = `mutation($s:ID!,$in:CameraTestInput!){ r: testCamera(sourceId:$s, input:$in) { ${RESULT} ... on TestCameraSuccess { ok problem reason } } }`;

describe('Evercam live JPG and camera test, end to end', () => {
  const stack = new Stack({ evercam: true });
  const sim = () => stack.evercam!;
  const ctl = async (name: string, body: object) =>
    (await fetch(`http://127.0.0.1:${(sim().server as any).server.address().port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const counts = () => sim().server.requestCounts();
  const tests = () => counts()['GET /v1/cameras/test.json'] ?? 0;
  /** A camera on a site's network, not in the account yet. */
  const password = 'pole-cam-pass w0rd!';
  const camera = { externalHost: 'pole.example-site.net', externalHttpPort: 8090, jpgUrl: '/ISAPI/Streaming/channels/101/picture', username: 'installer', password };

  beforeAll(async () => {
    // every form of the tested password must stay out of responses and logs (checked at close)
    stack.extraSecrets.push(password, encodeURIComponent(password), new URLSearchParams({ p: password }).toString().slice(2));
    await stack.start();
    await ctl('camera-host', { host: camera.externalHost, port: camera.externalHttpPort, jpgUrl: camera.jpgUrl, username: camera.username, password });
  });
  afterAll(() => stack.close());

  it('gives each camera a signed /media URL of its live JPG, fetched through Evercam at each request', async () => {
    const r = await stack.gql(`{ devices(filter:{ vendors:[EVERCAM] }) { edges { node { vendorDeviceId connection liveSnapshotUrl } } } }`);
    expect(r.errors).toBeUndefined();
    const nodes = r.data.devices.edges.map((e: any) => e.node);
    const gate = nodes.find((n: any) => n.vendorDeviceId === 'gate-0');
    expect(gate.liveSnapshotUrl).toMatch(new RegExp(`^${stack.url}/media/sites/[A-Za-z0-9_-]+\\?exp=\\d+&sig=`));

    const before = counts()['GET /v1/cameras/:id/snapshot.jpg'] ?? 0;
    for (let i = 0; i < 2; i++) {
      const img = await stack.get(gate.liveSnapshotUrl);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/jpeg');
      expect(img.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
    expect(counts()['GET /v1/cameras/:id/snapshot.jpg']).toBe(before + 2);

    // a camera Evercam cannot reach: the fetch fails as an upstream failure, never with a broken image
    const offline = nodes.find((n: any) => n.connection === 'OFFLINE');
    expect((await stack.get(offline.liveSnapshotUrl)).status).toBe(502);
    // tampering with the URL is refused before Evercam is asked
    const asked = counts()['GET /v1/cameras/:id/snapshot.jpg'];
    expect((await stack.get(gate.liveSnapshotUrl.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    expect(counts()['GET /v1/cameras/:id/snapshot.jpg']).toBe(asked);
  });

  it('has no live JPG for devices whose vendor offers none', async () => {
    const r = await stack.gql(`query($s:[ID!]){ devices(filter:{ sourceIds:$s }, first: 3) { edges { node { liveSnapshotUrl } } } }`, { s: ['cloud'] });
    expect(r.data.devices.edges.map((e: any) => e.node.liveSnapshotUrl)).toEqual([null, null, null]);
  });

  it('tests a camera before addCamera: success, refused credentials, nothing there', async () => {
    const ok = await stack.gql(TEST, { s: 'sites', in: camera });
    expect(ok.data.r).toEqual({ __typename: 'TestCameraSuccess', ok: true, problem: null, reason: null });

    const wrongPassword = await stack.gql(TEST, { s: 'sites', in: { ...camera, password: 'not-the-password' } });
    expect(wrongPassword.data.r).toEqual({ __typename: 'TestCameraSuccess', ok: false, problem: 'CREDENTIALS_REFUSED', reason: 'Please check camera username and password' });

    for (const wrong of [{ externalHttpPort: 8091 }, { jpgUrl: '/snapshot.jpg' }, { externalHost: 'nowhere.example-site.net' }]) {
      const r = await stack.gql(TEST, { s: 'sites', in: { ...camera, ...wrong } });
      expect(r.data.r, JSON.stringify(wrong)).toEqual({ __typename: 'TestCameraSuccess', ok: false, problem: 'UNREACHABLE', reason: 'Camera offline' });
    }
    await ctl('camera-host', { host: camera.externalHost, port: camera.externalHttpPort, jpgUrl: camera.jpgUrl, username: camera.username, password, online: false });
    expect((await stack.gql(TEST, { s: 'sites', in: camera })).data.r).toMatchObject({ ok: false, problem: 'UNREACHABLE' });
    await ctl('camera-host', { host: camera.externalHost, port: camera.externalHttpPort, jpgUrl: camera.jpgUrl, username: camera.username, password });

    // then the same settings go into addCamera
    const add = await stack.gql(`mutation($in:CameraInput!){ r: addCamera(sourceId:"sites", input:$in) { ${RESULT} ... on AddCameraSuccess { device { name } } } }`, { in: { name: 'Pole Cam', ...camera } });
    expect(add.data.r.device).toEqual({ name: 'Pole Cam' });
  });

  it('tests an account camera\'s own settings too, and never contacts the camera host itself', async () => {
    const gate = sim().cameras.get('gate-0')!;
    const r = await stack.gql(TEST, {
      s: 'sites',
      in: { externalHost: gate.external_host, externalHttpPort: gate.external_http_port, jpgUrl: gate.jpg_url, username: gate.cam_username, password: gate.cam_password },
    });
    expect(r.data.r).toMatchObject({ ok: true });

    let hits = 0;
    const trap = createServer((_req, res) => {
      hits += 1;
      res.end();
    });
    await new Promise<void>((done) => trap.listen(0, '127.0.0.1', () => done()));
    try {
      const port = (trap.address() as AddressInfo).port;
      const t = await stack.gql(TEST, { s: 'sites', in: { externalHost: '127.0.0.1', externalHttpPort: port, jpgUrl: '/snap.jpg' } });
      expect(t.data.r).toMatchObject({ ok: false, problem: 'UNREACHABLE' });
      expect(hits).toBe(0);
    } finally {
      trap.close();
    }
  });

  it('checks input, scope and source before asking Evercam; the credentials never come back, even when Evercam echoes them', async () => {
    const sent = tests();
    const bad: [object, string][] = [
      [{ ...camera, externalHost: 'http://pole.example-site.net' }, 'externalHost'],
      [{ ...camera, externalHttpPort: 0 }, 'externalHttpPort'],
      [{ ...camera, jpgUrl: 'picture' }, 'jpgUrl'],
      [{ ...camera, password: 'x'.repeat(300) }, 'password'],
    ];
    for (const [input, field] of bad) expect((await stack.gql(TEST, { s: 'sites', in: input })).data.r).toMatchObject({ __typename: 'ValidationError', field });
    expect((await stack.gql(TEST, { s: 'sites', in: camera }, KEYS.control)).data.r.__typename).toBe('PermissionDeniedError');
    expect((await stack.gql(TEST, { s: 'cloud', in: camera })).data.r.__typename).toBe('NotSupportedError');
    expect((await stack.gql(TEST, { s: 'nowhere', in: camera })).data.r.__typename).toBe('NotFoundError');
    expect(tests()).toBe(sent);

    // Evercam refusing the request with the whole URL (credentials in its query) in its message
    await ctl('echo-url', { count: 1, method: 'GET' });
    const echoed = await stack.gql(TEST, { s: 'sites', in: camera });
    expect(echoed.data.r).toMatchObject({ __typename: 'ValidationError', message: expect.stringContaining('/cameras/test.json?') });
    expect(JSON.stringify(echoed)).not.toContain('installer');
    expect(JSON.stringify(echoed)).not.toContain('w0rd');
    stack.assertNoSecrets();
  });
});
