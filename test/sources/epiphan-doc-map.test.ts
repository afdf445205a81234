import { describe, expect, it } from 'vitest';
import { DOC_DEVICE } from '../fixtures/epiphan-doc.js';
import { limitsFor, mapDevice, setparamRules, settingsToSetparams } from '../../src/sources/epiphan/map.js';
import { UNDOCUMENTED_LIMITS, WEBCASTER_X2_LIMITS, type WireDevice } from '../../src/sources/epiphan/wire.js';

// The device info and setparam table of ../shared/vendor-docs/epiphan-cloud.md and av-studio.md.
/** `.Telemetry.settings | keys` → ["bitrate", "resolution"] (AV Studio); Epiphan Cloud adds chunk_duration. */
const studioDevice = (model: string): WireDevice => ({ ...DOC_DEVICE, Id: 'DEVICEID', Model: model, Telemetry: { settings: { resolution: '1920x1080', bitrate: 1000 } } });
const cloudDevice = (model: string): WireDevice => ({
  ...DOC_DEVICE,
  Id: 'DEVICEID',
  Model: model,
  Telemetry: { settings: { resolution: '1920x1080', bitrate: 1000, chunk_duration: 10 } },
});

describe('Epiphan setting limits per model', () => {
  it('knows the documented values of the Webcaster X2 only', () => {
    expect(WEBCASTER_X2_LIMITS).toEqual({ resolutions: ['1920x1080', '1280x720', '640x360', '320x180'], maxBitrateKbps: 4000, chunkDurationSeconds: [10, 3600] });
    for (const model of ['Webcaster X2', 'Epiphan Webcaster X2', 'WEBCASTER-X2']) expect(limitsFor(model)).toBe(WEBCASTER_X2_LIMITS);
    for (const model of ['Pearl Mini', 'Pearl Nano', 'Pearl Nexus', 'Pearl-2', 'Demo', '', null]) expect(limitsFor(model)).toBe(UNDOCUMENTED_LIMITS);
  });

  it('shows the limits on DeviceSettings for a Webcaster X2, and none for a model the documents give none for', () => {
    expect(mapDevice('cloud', 'EPIPHAN_CLOUD', cloudDevice('Webcaster X2')).settings).toMatchObject({
      allowedResolutions: ['1920x1080', '1280x720', '640x360', '320x180'],
      maxVideoBitrateKbps: 4000,
    });
    for (const model of ['Pearl Mini', 'Pearl Nano', 'Pearl Nexus']) {
      expect(mapDevice('studio', 'AV_STUDIO', studioDevice(model)).settings).toMatchObject({
        resolution: '1920x1080',
        videoBitrateKbps: 1000,
        allowedResolutions: [],
        maxVideoBitrateKbps: null,
      });
    }
  });

  it('sends the document\'s setparam example and checks a Webcaster X2 against its table', () => {
    const x2 = setparamRules(cloudDevice('Webcaster X2'));
    // "setting bitrate to 1 Mbit/s": setparam:bitrate=1000
    expect(settingsToSetparams('EPIPHAN_CLOUD', { videoBitrateKbps: 1000 }, x2)).toEqual({ ok: [{ param: 'bitrate', value: '1000' }] });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { resolution: '320x180', chunkDurationSeconds: 3600 }, x2)).toEqual({
      ok: [
        { param: 'resolution', value: '320x180' },
        { param: 'chunk_duration', value: '3600' },
      ],
    });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { videoBitrateKbps: 4001 }, x2)).toEqual({ field: 'videoBitrateKbps', message: 'videoBitrateKbps must be an integer from 1 to 4000' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { resolution: '1920x1200' }, x2)).toMatchObject({ field: 'resolution' });
    expect(settingsToSetparams('EPIPHAN_CLOUD', { chunkDurationSeconds: 9 }, x2)).toMatchObject({ field: 'chunkDurationSeconds' });
  });

  it('refuses only what is known invalid on other models: the form of a frame size, positive integers', () => {
    const pearl = setparamRules(cloudDevice('Pearl Mini'));
    expect(settingsToSetparams('EPIPHAN_CLOUD', { resolution: '3840x2160', videoBitrateKbps: 12000, chunkDurationSeconds: 5 }, pearl)).toEqual({
      ok: [
        { param: 'resolution', value: '3840x2160' },
        { param: 'bitrate', value: '12000' },
        { param: 'chunk_duration', value: '5' },
      ],
    });
    const refused: [object, string][] = [
      [{ resolution: '4k' }, 'resolution'],
      [{ resolution: '1920x1080x2' }, 'resolution'],
      [{ resolution: '0x0' }, 'resolution'],
      [{ videoBitrateKbps: 0 }, 'videoBitrateKbps'],
      [{ videoBitrateKbps: 2.5 }, 'videoBitrateKbps'],
      [{ chunkDurationSeconds: 0 }, 'chunkDurationSeconds'],
      [{ frameRate: 30 }, 'frameRate'],
      [{}, 'input'],
    ];
    for (const [input, field] of refused) expect(settingsToSetparams('EPIPHAN_CLOUD', input, pearl)).toMatchObject({ field });
  });

  it('sets only the parameters a device lists in Telemetry/settings', () => {
    // the documented demo device lists none
    expect(settingsToSetparams('EPIPHAN_CLOUD', { videoBitrateKbps: 1000 }, setparamRules(DOC_DEVICE))).toEqual({
      field: 'videoBitrateKbps',
      message: 'videoBitrateKbps is not among the settings this device reports',
    });
    const onlyBitrate = setparamRules({ ...DOC_DEVICE, Model: 'Pearl Nano', Telemetry: { settings: { bitrate: 1000 } } });
    expect(settingsToSetparams('AV_STUDIO', { resolution: '1280x720' }, onlyBitrate)).toMatchObject({ field: 'resolution' });
    expect(settingsToSetparams('AV_STUDIO', { videoBitrateKbps: 6000 }, onlyBitrate)).toEqual({ ok: [{ param: 'bitrate', value: '6000' }] });
    // chunk_duration is in the Epiphan Cloud document only
    expect(settingsToSetparams('AV_STUDIO', { chunkDurationSeconds: 60 }, setparamRules(cloudDevice('Pearl-2')))).toMatchObject({ field: 'chunkDurationSeconds' });
  });
});
