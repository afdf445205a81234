import { describe, expect, it } from 'vitest';
import { cameraParams, decodeImage, mapCamera, mapShare, mapSnapshot, newCameraId, publicCamera, rightsParam, unwrap } from '../../src/sources/evercam/map.js';
import type { WireCamera } from '../../src/sources/evercam/wire.js';

// Every field of the document's Evercam::Presenters::Camera.
const CAMERA: WireCamera = {
  id: 'gate-0',
  name: 'Main Gate',
  owner: 'ops',
  vendor: 'hikvision',
  model: 'DS-2CD2032-I',
  created_at: 1700000000,
  updated_at: 1700000100,
  last_polled_at: 1700000200,
  last_online_at: 1700000150,
  timezone: 'Europe/Dublin',
  is_online: true,
  is_public: false,
  external_host: 'gate.example.net',
  internal_host: '192.168.1.10',
  external_http_port: 8080,
  internal_http_port: 80,
  external_rtsp_port: 9000,
  internal_rtsp_port: 554,
  jpg_url: '/Streaming/channels/1/picture',
  cam_username: 'admin',
  cam_password: 'very-secret-cam-pass',
  mac_address: 'C0:56:E3:10:20:30',
  location: { lng: -6.2, lat: 53.3 },
};

describe('Evercam mapping', () => {
  it('maps a camera presenter and keeps its credentials out', () => {
    const d = mapCamera('sites', CAMERA);
    expect(d).toMatchObject({
      vendorDeviceId: 'gate-0',
      name: 'Main Gate',
      model: 'hikvision DS-2CD2032-I',
      kind: 'CAMERA',
      connection: 'ONLINE',
      lastSeenAt: new Date(1700000150 * 1000),
      capabilities: ['SNAPSHOT_CAPTURE', 'SHARE'],
      timeZone: 'Europe/Dublin',
    });
    const text = JSON.stringify(d);
    expect(text).not.toContain('very-secret-cam-pass');
    expect(text).not.toContain('cam_username');
    expect(publicCamera(CAMERA)).toMatchObject({ external_host: 'gate.example.net', external_rtsp_port: 9000, timezone: 'Europe/Dublin' });
    expect(mapCamera('sites', { ...CAMERA, is_online: false }).connection).toBe('OFFLINE');
    expect(mapCamera('sites', { ...CAMERA, timezone: null }).timeZone).toBeNull();
    // a zone no client could compute with is no zone
    expect(mapCamera('sites', { ...CAMERA, timezone: 'Europe/Dublin ' }).timeZone).toBeNull();
    expect(mapCamera('sites', { ...CAMERA, timezone: 'Mars/Olympus' }).timeZone).toBeNull();
  });

  it('accepts wrapped, bare-array and bare-object replies', () => {
    expect(unwrap({ cameras: [CAMERA] }, 'cameras')).toHaveLength(1);
    expect(unwrap([CAMERA], 'cameras')).toHaveLength(1);
    expect(unwrap({ cameras: CAMERA }, 'cameras')).toHaveLength(1);
    expect(unwrap({ other: 1 }, 'cameras')).toEqual([]);
  });

  it('maps shares with their comma-separated rights', () => {
    const s = mapShare('sites', { id: 4, camera_id: 'gate-0', user_id: 9, email: 'a@b.c', kind: 'private', rights: 'snapshot,list, view,edit,delete,grant,unknown' });
    expect(s).toMatchObject({ vendorShareId: '4', grantee: 'a@b.c', kind: 'PRIVATE', rights: ['SNAPSHOT', 'LIST', 'VIEW', 'EDIT', 'DELETE', 'ADMIN'] });
    expect(mapShare('sites', { id: 5, camera_id: 'gate-0', kind: 'public', rights: 'view' }).kind).toBe('PUBLIC');
    expect(rightsParam(['VIEW', 'SNAPSHOT', 'VIEW', 'ADMIN'])).toBe('view,snapshot,grant');
  });

  it('maps a snapshot presenter with its note and time as id', () => {
    expect(mapSnapshot('sites', 'gate-0', { camera: 'gate-0', notes: 'pour', created_at: 1700000000, timezone: 'UTC' })).toMatchObject({
      vendorSnapshotId: '1700000000',
      takenAt: new Date(1700000000 * 1000),
      notes: 'pour',
      size: 'FULL',
      media: { ref: 'snapshot:gate-0/1700000000' },
    });
  });

  it('decodes image data URIs', () => {
    expect(decodeImage('data:image/jpeg;base64,/9j/4A==')).toEqual({ contentType: 'image/jpeg', bytes: Buffer.from('/9j/4A==', 'base64') });
    expect(decodeImage('not an image!')).toBeNull();
  });
});

describe('Evercam camera input', () => {
  it('builds parameters from a valid input', () => {
    expect(cameraParams({ name: ' Gate ', isPublic: true, externalHost: '10.1.2.3', externalHttpPort: 80, externalRtspPort: 554, jpgUrl: '/snap.jpg', username: 'u', password: 'p' }, true)).toEqual({
      ok: { name: 'Gate', is_public: true, external_host: '10.1.2.3', external_http_port: 80, external_rtsp_port: 554, jpg_url: '/snap.jpg', cam_username: 'u', cam_password: 'p' },
    });
    expect(cameraParams({ externalHost: 'cam-1.site.example.com' }, false)).toEqual({ ok: { external_host: 'cam-1.site.example.com' } });
  });

  it.each([
    [{}, true, 'name'],
    [{ name: '' }, true, 'name'],
    [{ name: 'x'.repeat(65) }, false, 'name'],
    [{ externalHost: 'http://cam.example.com' }, false, 'externalHost'],
    [{ externalHost: 'cam.example.com:8080' }, false, 'externalHost'],
    [{ externalHost: 'cam example' }, false, 'externalHost'],
    [{ externalHost: '-bad-.com' }, false, 'externalHost'],
    [{ externalHttpPort: 0 }, false, 'externalHttpPort'],
    [{ externalHttpPort: 65536 }, false, 'externalHttpPort'],
    [{ externalRtspPort: -1 }, false, 'externalRtspPort'],
    [{ jpgUrl: 'snap.jpg' }, false, 'jpgUrl'],
    [{ jpgUrl: 'http://evil.example/snap.jpg' }, false, 'jpgUrl'],
    [{ jpgUrl: '/../etc/passwd' }, false, 'jpgUrl'],
    [{}, false, 'input'],
  ])('refuses %j (creating: %s) naming %s', (input, creating, field) => {
    expect(cameraParams(input, creating)).toMatchObject({ field });
  });

  it('makes camera ids Evercam accepts', () => {
    expect(newCameraId('Tower Crane #2', 'a1b2c3')).toBe('tower-crane-2-a1b2c3');
    expect(newCameraId('!!!', 'a1b2c3')).toBe('camera-a1b2c3');
  });
});
