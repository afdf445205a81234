import { describe, expect, it } from 'vitest';
import { cameraTestParams, mapCamera, mapCameraTest } from '../../src/sources/evercam/map.js';
import type { WireCamera } from '../../src/sources/evercam/wire.js';

// The document's Evercam::Presenters::Camera, the fields a live JPG and a camera test need.
const CAMERA: WireCamera = {
  id: 'gate-0',
  name: 'Main Gate',
  is_online: true,
  external_host: 'gate.example.net',
  external_http_port: 8080,
  jpg_url: '/Streaming/channels/1/picture',
  cam_username: 'admin',
  cam_password: 'very-secret-cam-pass',
};
const said = (text: string) => text;

describe('Evercam live JPG and camera test mapping', () => {
  it('points every camera at its live JPG (GET /cameras/{id}/snapshot.jpg), fetched through Evercam', () => {
    expect(mapCamera('sites', CAMERA).liveSnapshot).toEqual({ sourceId: 'sites', ref: 'jpg:gate-0' });
  });

  it('builds the document\'s four camera test parameters from what addCamera takes', () => {
    expect(
      cameraTestParams({ externalHost: CAMERA.external_host, externalHttpPort: CAMERA.external_http_port, jpgUrl: CAMERA.jpg_url, username: 'admin', password: 'very-secret-cam-pass' }),
    ).toEqual({
      ok: { external_url: 'http://gate.example.net:8080', jpg_url: '/Streaming/channels/1/picture', cam_username: 'admin', cam_password: 'very-secret-cam-pass' },
    });
    // port 80 unless given; a camera without credentials sends them empty (the document requires all four)
    expect(cameraTestParams({ externalHost: '10.0.0.7', jpgUrl: '/snap.jpg' })).toEqual({
      ok: { external_url: 'http://10.0.0.7:80', jpg_url: '/snap.jpg', cam_username: '', cam_password: '' },
    });
    for (const [input, field] of [
      [{ jpgUrl: '/snap.jpg' }, 'externalHost'],
      [{ externalHost: 'cam.example.net' }, 'jpgUrl'],
      [{ externalHost: 'cam.example.net/x', jpgUrl: '/snap.jpg' }, 'externalHost'],
      [{ externalHost: 'cam.example.net', externalHttpPort: 65536, jpgUrl: '/snap.jpg' }, 'externalHttpPort'],
      [{ externalHost: 'cam.example.net', jpgUrl: '../etc' }, 'jpgUrl'],
    ] as const) {
      expect(cameraTestParams(input)).toMatchObject({ field });
    }
  });

  it('reads the test\'s answers: the picture, refused credentials, nothing there', () => {
    expect(mapCameraTest(200, { status: 'ok', data: 'data:image/jpeg;base64,/9j/4AAQ' }, said)).toEqual({ ok: true, problem: null, reason: null });
    expect(mapCameraTest(403, { message: 'Please check camera username and password' }, said)).toEqual({
      ok: false,
      problem: 'CREDENTIALS_REFUSED',
      reason: 'Please check camera username and password',
    });
    expect(mapCameraTest(503, { message: 'Camera offline' }, said)).toEqual({ ok: false, problem: 'UNREACHABLE', reason: 'Camera offline' });
    expect(mapCameraTest(504, undefined, said)).toEqual({ ok: false, problem: 'UNREACHABLE', reason: null });
    // the vendor's words pass through the scrubber it is given
    expect(mapCameraTest(403, { message: 'refused very-secret-cam-pass' }, (t) => t.replace('very-secret-cam-pass', '***'))?.reason).toBe('refused ***');
    // anything else is no test result
    expect(mapCameraTest(200, {}, said)).toBeNull();
    expect(mapCameraTest(418, { message: 'teapot' }, said)).toBeNull();
  });
});
