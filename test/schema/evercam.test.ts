import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvercamSource } from '../../src/sources/evercam/client.js';
import { KEYS, Stack } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field } ... on NotSupportedError { capability }`;
const SNAPS = `query($id:ID!,$from:DateTime,$to:DateTime,$after:String,$first:Int){ device(id:$id) {
  snapshots(from:$from, to:$to, first:$first, after:$after) { edges { cursor node { id takenAt } } pageInfo { hasNextPage endCursor } }
} }`;

describe('Evercam through GraphQL', () => {
  const stack = new Stack({ evercam: true });
  let cams: { id: string; name: string; vendorDeviceId: string; connection: string }[];
  const sim = () => stack.evercam!;
  const counts = () => sim().server.requestCounts();
  const writes = () => Object.entries(counts()).filter(([k]) => !k.startsWith('GET ')).reduce((n, [, v]) => n + v, 0);
  const ctl = async (name: string, body: object) =>
    (await fetch(`http://127.0.0.1:${(sim().server as any).server.address().port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const gate = () => cams.find((c) => c.vendorDeviceId === 'gate-0')!;

  beforeAll(async () => {
    await stack.start();
    cams = await stack.deviceIds('sites');
  });
  afterAll(() => stack.close());

  it('says which devices have a snapshot archive to browse, and in which time zone: Evercam cameras only', async () => {
    const r = await stack.gql(`{ devices { edges { node { vendor hasSnapshotArchive timeZone } } } }`);
    expect(r.errors).toBeUndefined();
    const nodes: { vendor: string; hasSnapshotArchive: boolean; timeZone: string | null }[] = r.data.devices.edges.map((e: any) => e.node);
    expect(new Set(nodes.map((n) => n.vendor))).toEqual(new Set(['EPIPHAN_CLOUD', 'AV_STUDIO', 'EVERCAM']));
    for (const n of nodes) expect(n.hasSnapshotArchive).toBe(n.vendor === 'EVERCAM');
    expect(nodes.filter((n) => n.vendor === 'EVERCAM').every((n) => n.timeZone !== null)).toBe(true);
  });

  it('lists the account\'s cameras with connection, last seen, shares and the latest stored snapshot', async () => {
    const r = await stack.gql(`{ devices(filter:{ vendors:[EVERCAM] }) { totalCount edges { node {
      vendorDeviceId name model kind connection lastSeenAt capabilities vendorData shares { grantee kind rights } latestSnapshot { url takenAt }
    } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.totalCount).toBe(6);
    const nodes = r.data.devices.edges.map((e: any) => e.node);
    expect(nodes.filter((n: any) => n.connection === 'OFFLINE')).toHaveLength(2);
    const g = nodes.find((n: any) => n.vendorDeviceId === 'gate-0');
    expect(g).toMatchObject({ name: 'Main Gate', kind: 'CAMERA', shares: [{ grantee: 'foreman@example.com', kind: 'PRIVATE', rights: ['SNAPSHOT', 'LIST', 'VIEW'] }] });
    expect(g.vendorData).not.toHaveProperty('cam_password');
    const img = await stack.get(g.latestSnapshot.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(img.body.subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('pages through 500 snapshots with stable cursors: no duplicates, no gaps, even when more arrive meanwhile', async () => {
    const start = Math.floor(Date.UTC(2025, 5, 14, 9, 0, 0) / 1000);
    await ctl('add-snapshots', { id: 'yard-1', from: start, count: 500 });
    const yard = cams.find((c) => c.vendorDeviceId === 'yard-1')!;
    const from = new Date(start * 1000).toISOString();
    const to = new Date((start + 3600) * 1000).toISOString();
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r: any = await stack.gql(SNAPS, { id: yard.id, from, to, after, first: 37 });
      const edges = r.data.device.snapshots.edges;
      seen.push(...edges.map((e: any) => new Date(e.node.takenAt).getTime() / 1000));
      // a snapshot lands inside the already-paged part while we page: it must not shift later pages
      if (page === 3) await ctl('add-snapshots', { id: 'yard-1', from: start - 1, count: 1 });
      if (!r.data.device.snapshots.pageInfo.hasNextPage) break;
      after = r.data.device.snapshots.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(500);
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => start + i));
  });

  it('draws a calendar: days of a month and hours of a day holding snapshots', async () => {
    const yard = cams.find((c) => c.vendorDeviceId === 'yard-1')!;
    // yard-1 is in Europe/Dublin (UTC+1 in June): 500 snapshots from 09:00:00Z are 10:00 local, the one
    // added at 08:59:59Z while paging is 09:59:59 local
    const r = await stack.gql(`query($id:ID!){ device(id:$id) { june: snapshotDays(year:2025, month:6) hours: snapshotHours(year:2025, month:6, day:14) may: snapshotDays(year:2025, month:5) } }`, { id: yard.id });
    expect(r.data.device).toEqual({ june: [14], hours: [9, 10], may: [] });
    const bad = await stack.gql(`query($id:ID!){ device(id:$id) { snapshotHours(year:2025, month:2, day:30) } }`, { id: yard.id });
    expect(bad.errors?.[0]).toMatchObject({ message: expect.stringMatching(/day must be 1 to 28/) });
  });

  it('captures a snapshot with a note, finds it by time, and deletes it', async () => {
    const r = await stack.gql(`mutation($id:ID!){ r: captureSnapshot(deviceId:$id, notes:"concrete pour") { ${RESULT} ... on CaptureSnapshotSuccess { snapshot { id takenAt notes url } } } }`, { id: gate().id });
    const snap = r.data.r.snapshot;
    expect(snap).toMatchObject({ notes: 'concrete pour' });
    const near = await stack.gql(`query($id:ID!,$t:DateTime!){ device(id:$id) { snapshotAt(time:$t, withinSeconds: 5) { id notes } } }`, {
      id: gate().id,
      t: new Date(new Date(snap.takenAt).getTime() + 2000).toISOString(),
    });
    expect(near.data.device.snapshotAt).toEqual({ id: snap.id, notes: 'concrete pour' });
    expect((await stack.gql(`query($id:ID!){ node(id:$id) { id } }`, { id: snap.id })).data.node).toEqual({ id: snap.id });
    const del = await stack.gql(`mutation($id:ID!){ r: deleteSnapshot(id:$id) { ${RESULT} ... on DeleteSnapshotSuccess { snapshotId } } }`, { id: snap.id });
    expect(del.data.r).toEqual({ __typename: 'DeleteSnapshotSuccess', snapshotId: snap.id });
    expect((await stack.gql(`mutation($id:ID!){ r: deleteSnapshot(id:$id) { __typename } }`, { id: snap.id })).data.r.__typename).toBe('NotFoundError');
    const offline = cams.find((c) => c.connection === 'OFFLINE')!;
    expect((await stack.gql(`mutation($id:ID!){ r: captureSnapshot(deviceId:$id) { __typename } }`, { id: offline.id })).data.r.__typename).toBe('DeviceOfflineError');
  });

  it('creates and deletes shares (admin), refusing bad input without calling Evercam', async () => {
    const create = `mutation($id:ID!,$e:String!,$r:[ShareRight!]!){ r: createShare(deviceId:$id, email:$e, rights:$r) { ${RESULT} ... on CreateShareSuccess { share { id grantee kind rights } } } }`;
    const sent = writes();
    expect((await stack.gql(create, { id: gate().id, e: 'not-an-email', r: ['VIEW'] })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'email' });
    expect((await stack.gql(create, { id: gate().id, e: 'a@b.co', r: [] })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'rights' });
    expect((await stack.gql(create, { id: gate().id, e: 'a@b.co', r: ['VIEW'] }, KEYS.control)).data.r.__typename).toBe('PermissionDeniedError');
    expect(writes()).toBe(sent);

    const made = await stack.gql(create, { id: gate().id, e: 'surveyor@example.com', r: ['VIEW', 'SNAPSHOT'] });
    expect(made.data.r.share).toMatchObject({ grantee: 'surveyor@example.com', kind: 'PRIVATE', rights: ['VIEW', 'SNAPSHOT'] });
    const listed = await stack.gql(`query($id:ID!){ device(id:$id) { shares { id grantee } } }`, { id: gate().id });
    expect(listed.data.device.shares.map((s: any) => s.grantee)).toContain('surveyor@example.com');
    const del = await stack.gql(`mutation($id:ID!){ r: deleteShare(id:$id) { ${RESULT} ... on DeleteShareSuccess { shareId } } }`, { id: made.data.r.share.id });
    expect(del.data.r.shareId).toBe(made.data.r.share.id);
    const after = await stack.gql(`query($id:ID!){ device(id:$id) { shares { grantee } } }`, { id: gate().id });
    expect(after.data.device.shares.map((s: any) => s.grantee)).not.toContain('surveyor@example.com');
  });

  it('adds, updates and removes a camera; the password is write-only; bad input names its field and sends nothing', async () => {
    const password = 'new-cam-password-8842';
    stack.extraSecrets.push(password);
    const add = `mutation($in:CameraInput!){ r: addCamera(sourceId:"sites", input:$in) { ${RESULT} ... on AddCameraSuccess { device { id name vendorData } } } }`;
    const sent = writes();
    for (const [input, field] of [
      [{ isPublic: true }, 'name'],
      [{ name: 'Cam', externalHost: 'https://cam.example.com' }, 'externalHost'],
      [{ name: 'Cam', externalHttpPort: 70000 }, 'externalHttpPort'],
      [{ name: 'Cam', externalRtspPort: 0 }, 'externalRtspPort'],
      [{ name: 'Cam', jpgUrl: 'snapshot.jpg' }, 'jpgUrl'],
    ] as const) {
      expect((await stack.gql(add, { in: input })).data.r).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(writes()).toBe(sent);

    const made = await stack.gql(add, { in: { name: 'Hoist Cam', isPublic: false, externalHost: 'hoist.example-site.net', externalHttpPort: 8081, jpgUrl: '/snap.jpg', username: 'admin', password } });
    expect(made.data.r.device).toMatchObject({ name: 'Hoist Cam' });
    expect(JSON.stringify(made)).not.toContain(password);
    const id = made.data.r.device.id;

    const update = `mutation($id:ID!,$in:CameraInput!){ r: updateCamera(deviceId:$id, input:$in) { ${RESULT} ... on UpdateCameraSuccess { device { name } } } }`;
    expect((await stack.gql(update, { id, in: { externalHttpPort: 0 } })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'externalHttpPort' });
    expect((await stack.gql(update, { id, in: {} })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'input' });
    expect((await stack.gql(update, { id, in: { name: 'Hoist North' } })).data.r.device.name).toBe('Hoist North');

    const rm = await stack.gql(`mutation($id:ID!){ r: removeCamera(deviceId:$id) { ${RESULT} ... on RemoveCameraSuccess { deviceId } } }`, { id });
    expect(rm.data.r.deviceId).toBe(id);
    expect((await stack.gql(`query($id:ID!){ device(id:$id) { id } }`, { id })).data.device).toBeNull();
  });

  it('never contacts a camera host itself: only Evercam does', async () => {
    let hits = 0;
    const trap = createServer((_req, res) => {
      hits += 1;
      res.end();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const port = (trap.address() as AddressInfo).port;
    try {
      await stack.gql(`mutation($id:ID!,$in:CameraInput!){ r: updateCamera(deviceId:$id, input:$in) { __typename } }`, {
        id: gate().id,
        in: { externalHost: '127.0.0.1', externalHttpPort: port, jpgUrl: '/snap.jpg' },
      });
      const r = await stack.gql(`query($id:ID!){ device(id:$id) { latestSnapshot { url } snapshots(first: 2) { edges { node { url } } } } }`, { id: gate().id });
      await stack.get(r.data.device.latestSnapshot.url);
      await stack.gql(`mutation($id:ID!){ captureSnapshot(deviceId:$id) { __typename } }`, { id: gate().id });
      expect(hits).toBe(0);
    } finally {
      trap.close();
    }
  });

  it('answers the vendor and model catalogue', async () => {
    const r = await stack.gql(`{ all: cameraVendors { id macPrefixes } byMac: cameraVendors(mac:"00:40:8C:12:34:56") { id } models: cameraModels(vendor:"axis") { name defaults } one: cameraModel(vendor:"dahua", name:"IPC-HFW4431R-Z") { vendorId name } none: cameraModel(vendor:"dahua", name:"nope") { name } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.all.length).toBeGreaterThanOrEqual(5);
    expect(r.data.byMac).toEqual([{ id: 'axis' }]);
    expect(r.data.models.map((m: any) => m.name)).toEqual(['M3045-V', 'P1435-LE']);
    expect(r.data.models[0].defaults).toEqual({ snapshots: { jpg: '/axis-cgi/jpg/image.cgi' } });
    expect(r.data.one).toEqual({ vendorId: 'dahua', name: 'IPC-HFW4431R-Z' });
    expect(r.data.none).toBeNull();
    const bad = await stack.gql(`{ cameraVendors(mac:"zz") { id } }`);
    expect(bad.errors?.[0]?.message).toMatch(/MAC prefix/);
  });

  it('refuses what Evercam cannot do without calling it', async () => {
    const sent = writes();
    for (const q of [
      `mutation($id:ID!){ r: startRecording(deviceId:$id) { ${RESULT} } }`,
      `mutation($id:ID!){ r: startStream(deviceId:$id) { ${RESULT} } }`,
      `mutation($id:ID!){ r: movePtz(deviceId:$id, direction:UP, mode:STEP) { ${RESULT} } }`,
    ]) {
      expect((await stack.gql(q, { id: gate().id })).data.r.__typename).toBe('NotSupportedError');
    }
    expect((await stack.gql(`mutation($id:ID!){ r: captureSnapshot(deviceId:$id, size: THUMB) { ${RESULT} } }`, { id: gate().id })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'size' });
    expect(writes()).toBe(sent);
  });

  it('authenticates with HTTP basic as well as api_id/api_key', async () => {
    const source = new EvercamSource({ config: { id: 'basic', vendor: 'EVERCAM', baseUrl: `${(stack.config.sources.find((s) => s.id === 'sites') as any).baseUrl}`, username: 'ops', password: 'ev-basic-pass-5511' } });
    const wrong = new EvercamSource({ config: { id: 'wrong', vendor: 'EVERCAM', baseUrl: `${(stack.config.sources.find((s) => s.id === 'sites') as any).baseUrl}`, username: 'ops', password: 'nope-nope' } });
    try {
      expect((await source.listDevices()).devices).toHaveLength(6);
      await expect(wrong.listDevices()).rejects.toMatchObject({ code: 'HTTP_401' });
    } finally {
      await source.close();
      await wrong.close();
    }
  });
});
