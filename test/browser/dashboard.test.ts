import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, dropConnections, fencedPage, haveChromium, launchChromium, type FencedPage } from '../helpers/browser.js';
import { eventually, KEYS, Stack } from '../helpers/stack.js';

if (!haveChromium) {
  // a CI run that lost its browser must not pass by running nothing
  if (process.env.CI) throw new Error(`test/browser/dashboard.test.ts: no ${CHROMIUM}, which CI installs (.ci/run)`);
  console.warn(`test/browser/dashboard.test.ts skipped: no ${CHROMIUM} (CI installs it: .ci/run)`);
}

/** The README's screenshots are rewritten on purpose (UPDATE_SCREENSHOTS=1); other runs take them into a temp dir. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'avgraph-shots-'))}/`;

interface FleetDevice {
  id: string;
  name: string;
  vendorDeviceId: string;
  connection: string;
  isRecording: boolean | null;
  capabilities: string[];
  source: { id: string; name: string };
}

/** Which capability each card control needs (the API's own COMMAND_CAPABILITY). */
const CONTROL_CAPABILITY: Record<string, string> = {
  'ctl-start-recording': 'RECORD',
  'ctl-stop-recording': 'RECORD',
  'ctl-start-stream': 'LIVE_STREAM',
  'ctl-stop-stream': 'LIVE_STREAM',
  'ctl-capture-snapshot': 'SNAPSHOT_CAPTURE',
};

const card = (page: Page, deviceId: string) => page.locator(`article[data-testid=device-card][data-device-id="${deviceId}"]`);
const fast = { timeout: 2_000, intervals: [25] };
const soon = { timeout: 5_000, intervals: [25] };

/** A graphql-ws result frame of `field` (a subscription's root field) that names `id`. */
const isEvent = (frame: string, field: string, id: string) => frame.includes('"next"') && frame.includes(`"${field}"`) && frame.includes(id);

/** Records every `data-state` the connection indicator takes from now on, into window.avgraphConnStates. */
function watchConnState(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { avgraphConnStates: string[] }).avgraphConnStates = seen;
    const read = () => {
      const state = document.querySelector('[data-testid=conn-state]')?.getAttribute('data-state') ?? 'absent';
      if (seen[seen.length - 1] !== state) seen.push(state);
    };
    // the whole tree: the indicator may be rendered anew rather than changed in place
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

describe.skipIf(!haveChromium)('the fleet dashboard, in a browser', () => {
  // every vendor; quick polls, and a source whose upstream fails goes DOWN after a few calls and heals soon
  const stack = new Stack({ fleetSize: 7, pollIntervalMs: 100, timeoutMs: 1_000, magewell: 2, videoloft: 2, evercam: true });
  let browser: Browser;
  /** The wall screen: a tab with the control key, open across the tests (the first of `tabs`). */
  let wall: FencedPage;
  const tabs: FencedPage[] = [];
  /** Tabs opened without a key: they meet the key form. */
  const keyless = new Set<FencedPage>();
  let fleet: FleetDevice[];

  const fetchFleet = async (): Promise<FleetDevice[]> => {
    const r = await stack.gql(`{ devices(first: 500) { edges { node { id name vendorDeviceId connection isRecording capabilities source { id name } } } } }`);
    expect(r.errors).toBeUndefined();
    return r.data.devices.edges.map((e: { node: FleetDevice }) => e.node);
  };
  const tab = async (apiKey?: string): Promise<FencedPage> => {
    const t = await fencedPage(browser, new URL(stack.url).origin, { apiKey });
    tabs.push(t);
    if (!apiKey) keyless.add(t);
    return t;
  };
  /** Where a source's simulator listens (its config's baseUrl). */
  const simUrl = (sourceId: string): URL => {
    const config = stack.config.sources.find((s) => s.id === sourceId);
    if (!config || !('baseUrl' in config)) throw new Error(`no baseUrl for ${sourceId}`);
    return new URL(config.baseUrl);
  };
  /** An ONLINE device of `sourceName`, not recording now, with `capability`. */
  const idleDevice = async (sourceName: string, capability: string): Promise<FleetDevice> => {
    const found = (await fetchFleet()).find(
      (d) => d.source.name === sourceName && d.connection === 'ONLINE' && d.isRecording === false && d.capabilities.includes(capability) && !d.vendorDeviceId.startsWith('demo'),
    );
    expect(found, `an idle ${sourceName} device with ${capability}`).toBeTruthy();
    return found!;
  };
  const cardIds = (page: Page) => page.locator('article[data-testid=device-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device-id')).sort());

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), stack.start()]);
    fleet = await fetchFleet();
    wall = await tab(KEYS.control);
    await wall.page.goto(`${stack.url}/`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack.close();
  });

  it('shows every device of every vendor, grouped by source', async () => {
    const { page } = wall;
    const expected = fleet.map((d) => d.id).sort();
    expect(new Set(fleet.map((d) => d.source.name))).toEqual(new Set(['cloud', 'studio', 'encoders', 'cams', 'sites']));
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual(expected);
    await expect.poll(() => page.getAttribute('[data-testid=conn-state]', 'data-state'), { timeout: 5_000 }).toBe('connected');
    // each card sits in its own source's section
    for (const sourceId of new Set(fleet.map((d) => d.source.id))) {
      const section = page.locator(`section[data-testid=source][data-source-id="${sourceId}"]`);
      const inSection = await section.locator('article[data-testid=device-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device-id')).sort());
      expect(inSection).toEqual(fleet.filter((d) => d.source.id === sourceId).map((d) => d.id).sort());
      await expect.poll(() => section.locator('[data-testid=source-health]').getAttribute('data-state')).toBe('OK');
    }
    expect(await page.locator('[data-testid=count-total]').innerText()).toBe(String(fleet.length));
    expect(await page.locator('[data-testid=count-offline]').innerText()).toBe(String(fleet.filter((d) => d.connection === 'OFFLINE').length));
    // a card says what the API says
    for (const d of fleet) {
      const c = card(page, d.id);
      expect(await c.getAttribute('data-connection')).toBe(d.connection);
      expect(await c.getAttribute('data-recording')).toBe(String(d.isRecording === true));
      expect(await c.locator('[data-testid=device-name]').innerText()).toContain(d.name);
    }
  });

  it('updates a card within 2 s after a control on the page, and after another client’s mutation, without reloading', async () => {
    const { page } = wall;
    const mine = await idleDevice('cloud', 'RECORD');
    const theirs = await idleDevice('studio', 'RECORD');
    expect(mine && theirs).toBeTruthy();
    await page.evaluate(() => ((window as unknown as { avgraphMarker: string }).avgraphMarker = 'same page'));
    const loadsBefore = wall.loads();
    // through the page
    expect(await card(page, mine.id).getAttribute('data-recording')).toBe('false');
    const framesAtClick = wall.frames.length;
    await card(page, mine.id).locator('[data-testid=ctl-start-recording]').click();
    await expect.poll(() => card(page, mine.id).getAttribute('data-recording'), fast).toBe('true');
    // the mutation's answer set it; the page also hears of it over graphql-ws, as every other tab does
    await expect.poll(() => wall.frames.slice(framesAtClick).some((f) => isEvent(f, 'deviceChanged', mine.id)), fast).toBe(true);

    // by another client: only the subscription can tell the page
    expect(await card(page, theirs.id).getAttribute('data-recording')).toBe('false');
    const framesBefore = wall.frames.length;
    const r = await stack.gql(`mutation($d: ID!) { startRecording(deviceId: $d) { __typename } }`, { d: theirs.id });
    expect(r.data.startRecording.__typename).toBe('StartRecordingSuccess');
    await expect.poll(() => card(page, theirs.id).getAttribute('data-recording'), fast).toBe('true');

    expect(await page.evaluate(() => (window as unknown as { avgraphMarker?: string }).avgraphMarker)).toBe('same page');
    expect(wall.loads()).toBe(loadsBefore);
    // it came over the page's graphql-ws connection
    expect(wall.frames.slice(framesBefore).some((f) => f.includes('"next"') && f.includes(theirs.id))).toBe(true);
    const recording = String((await fetchFleet()).filter((d) => d.isRecording).length);
    await expect.poll(() => page.locator('[data-testid=count-recording]').innerText(), fast).toBe(recording);
  });

  it('goes offline when the server drops its connections, reconnects, resubscribes, and shows another client’s change', async () => {
    const { page } = wall;
    await page.goto(`${stack.url}/#/`);
    await expect.poll(() => page.getAttribute('[data-testid=conn-state]', 'data-state'), soon).toBe('connected');
    // no HTTP request in flight to cut (that would be a console error, judged at the end): only the socket
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => ((window as unknown as { avgraphMarker: string }).avgraphMarker = 'before the drop'));
    const loadsBefore = wall.loads();
    await watchConnState(page);
    const socketsBefore = wall.sockets.length;
    const sentBefore = wall.sent.length;

    expect(dropConnections(stack.app.port)).toBeGreaterThan(0);
    // the indicator says so, then the page connects again by itself (a new socket, its subscriptions sent anew)
    const states = () => page.evaluate(() => (window as unknown as { avgraphConnStates: string[] }).avgraphConnStates);
    await expect.poll(async () => (await states()).some((s) => s === 'offline' || s === 'connecting'), soon).toBe(true);
    await expect.poll(async () => (await states()).at(-1), soon).toBe('connected');
    expect(wall.sockets.length).toBeGreaterThan(socketsBefore);
    await expect.poll(() => wall.sent.slice(sentBefore).filter((f) => f.includes('"subscribe"') && f.includes('deviceChanged')).length, soon).toBeGreaterThan(0);

    // another client's change reaches the page over the new connection, without a reload
    const other = await idleDevice('studio', 'RECORD');
    expect(await card(page, other.id).getAttribute('data-recording')).toBe('false');
    const framesBefore = wall.frames.length;
    const r = await stack.gql(`mutation($d: ID!) { startRecording(deviceId: $d) { __typename } }`, { d: other.id });
    expect(r.data.startRecording.__typename).toBe('StartRecordingSuccess');
    await expect.poll(() => wall.frames.slice(framesBefore).some((f) => isEvent(f, 'deviceChanged', other.id)), soon).toBe(true);
    await expect.poll(() => card(page, other.id).getAttribute('data-recording'), fast).toBe('true');
    expect(await page.evaluate(() => (window as unknown as { avgraphMarker?: string }).avgraphMarker)).toBe('before the drop');
    expect(wall.loads()).toBe(loadsBefore);
  });

  it('shows another client’s snapshot on the card (snapshotAdded)', async () => {
    const { page } = wall;
    await page.goto(`${stack.url}/#/`);
    const dev = (await fetchFleet()).find((d) => d.connection === 'ONLINE' && d.capabilities.includes('SNAPSHOT_CAPTURE'))!;
    expect(dev).toBeTruthy();
    const thumbnail = card(page, dev.id).locator('img[data-testid=thumbnail]');
    const shown = async () => ((await thumbnail.count()) ? new URL(await thumbnail.evaluate((e: HTMLImageElement) => e.src)).pathname : null);
    const before = await shown();
    const framesBefore = wall.frames.length;
    const r = await stack.gql(`mutation($d: ID!) { captureSnapshot(deviceId: $d) { __typename ... on CaptureSnapshotSuccess { snapshot { url } } } }`, { d: dev.id });
    expect(r.data.captureSnapshot.__typename).toBe('CaptureSnapshotSuccess');
    const fresh = new URL(r.data.captureSnapshot.snapshot.url).pathname;
    expect(fresh).not.toBe(before);
    await expect.poll(() => wall.frames.slice(framesBefore).some((f) => isEvent(f, 'snapshotAdded', dev.id)), soon).toBe(true);
    await expect.poll(shown, soon).toBe(fresh);
  });

  it('shows another client’s stream start on the device page (streamChanged)', async () => {
    const { page } = wall;
    const dev = await idleDevice('studio', 'RTMP_PUSH');
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(dev.id)}`);
    const streams = page.locator(`[data-testid=device-page][data-device-id="${dev.id}"] [data-testid=streams]`);
    await streams.waitFor();
    const before = await streams.innerText();
    expect(before).not.toMatch(/\blive\b/i);
    const framesBefore = wall.frames.length;
    const r = await stack.gql(`mutation($d: ID!) { startStream(deviceId: $d, rtmpUrl: "rtmp://relay.example/live/key-1") { __typename } }`, { d: dev.id });
    expect(r.data.startStream.__typename).toBe('StartStreamSuccess');
    try {
      await expect.poll(() => wall.frames.slice(framesBefore).some((f) => isEvent(f, 'streamChanged', dev.id)), soon).toBe(true);
      await expect.poll(() => streams.innerText(), soon).toMatch(/\blive\b/i);
    } finally {
      await stack.gql(`mutation($d: ID!) { stopStream(deviceId: $d) { __typename } }`, { d: dev.id });
    }
  });

  it('adds a camera’s new event to its device page (recordingAdded)', async () => {
    const { page } = wall;
    // not the first camera: other tests count its recordings
    const cam = (await fetchFleet()).filter((d) => d.source.name === 'cams' && d.connection === 'ONLINE' && d.capabilities.includes('TRIGGER_EVENT'))[1]!;
    expect(cam).toBeTruthy();
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(cam.id)}`);
    const rows = page.locator(`[data-testid=device-page][data-device-id="${cam.id}"] [data-testid=recordings] [data-testid=recording-row]`);
    const rowIds = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-recording-id')!));
    // the page has read the camera's recordings (not only events it heard of) before the new one comes
    const listed = await stack.gql(`query($id: ID!) { device(id: $id) { recordings(first: 50) { edges { node { id } } } } }`, { id: cam.id });
    const known = listed.data.device.recordings.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    await expect.poll(async () => (await rowIds()).sort(), soon).toEqual(known);
    const before = await rowIds();
    const framesBefore = wall.frames.length;
    const r = await stack.gql(`mutation($d: ID!) { triggerEvent(deviceId: $d, seconds: 1) { __typename } }`, { d: cam.id });
    expect(r.data.triggerEvent.__typename).toBe('TriggerEventSuccess');
    await expect.poll(() => wall.frames.slice(framesBefore).some((f) => isEvent(f, 'recordingAdded', cam.id)), soon).toBe(true);
    await expect.poll(async () => (await rowIds()).filter((id) => !before.includes(id)).length, soon).toBe(1);
  });

  it('writes screenshots of the grid and a device page', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const { page } = wall;
    await page.goto(`${stack.url}/#/`);
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual(fleet.map((d) => d.id).sort());
    // the thumbnails (signed /media URLs, loaded lazily) are in the picture: the whole page in view
    await page.setViewportSize({ width: 1600, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    const thumbnails = page.locator('img[data-testid=thumbnail]');
    expect(await thumbnails.count()).toBeGreaterThan(0);
    await expect
      .poll(() => thumbnails.evaluateAll((els) => els.every((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0)), { timeout: 5_000 })
      .toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}fleet.png`, fullPage: true });
    await page.setViewportSize({ width: 1600, height: 1000 });
    const cam = fleet.find((d) => d.source.name === 'cams' && d.connection === 'ONLINE')!;
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(cam.id)}`);
    await expect.poll(() => page.locator('[data-testid=recording-row]').count(), { timeout: 5_000 }).toBe(6);
    await page.screenshot({ path: `${SCREENSHOTS}device.png`, fullPage: true });
    for (const name of ['fleet.png', 'device.png']) {
      const png = readFileSync(`${SCREENSHOTS}${name}`);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // IHDR width: the viewport's
      expect(png.readUInt32BE(16)).toBe(1600);
    }
  });

  it('turns a source’s badge DOWN when its simulator dies, and OK when it is back', async () => {
    const { page } = wall;
    await page.goto(`${stack.url}/#/`);
    const sites = fleet.find((d) => d.source.name === 'sites')!.source.id;
    const badge = page.locator(`section[data-testid=source][data-source-id="${sites}"] [data-testid=source-health]`);
    expect(await badge.getAttribute('data-state')).toBe('OK');
    const sim = stack.evercam!;
    const port = Number(simUrl('sites').port);
    // reads of the source (the poller's, and these) fail until the circuit opens
    const read = () => stack.gql(`query($s:[ID!]){ devices(filter:{sourceIds:$s}) { edges { node { id } } } }`, { s: ['sites'] });
    await sim.close();
    try {
      await eventually(async () => (await read(), (await badge.getAttribute('data-state')) === 'DOWN'), 10_000, 'the Evercam badge DOWN');
      expect(await badge.innerText()).toContain('DOWN');
      const error = page.locator(`section[data-testid=source][data-source-id="${sites}"] [data-testid=source-error]`);
      expect((await error.innerText()).length).toBeGreaterThan(0);
    } finally {
      await sim.listen(port);
    }
    await eventually(async () => (await read(), (await badge.getAttribute('data-state')) === 'OK'), 10_000, 'the Evercam badge OK again');
    expect(await badge.innerText()).toContain('OK');
    expect(wall.loads()).toBe(1);
  });

  it('asks for a key; a wrong one is refused, a read-only one sees every control disabled', async () => {
    const { page } = await tab();
    await page.goto(`${stack.url}/`);
    const form = page.locator('form[data-testid=key-form]');
    await form.waitFor({ timeout: 5_000 });
    expect(await page.locator('article[data-testid=device-card]').count()).toBe(0);
    expect(await page.locator('input[data-testid=key-input]').getAttribute('type')).toBe('password');

    await page.locator('input[data-testid=key-input]').fill('key-that-does-not-exist');
    await form.locator('button[type=submit], input[type=submit]').first().click();
    await page.locator('[data-testid=key-error]').waitFor({ timeout: 5_000 });
    await form.waitFor();
    expect(await page.locator('article[data-testid=device-card]').count()).toBe(0);

    await page.locator('input[data-testid=key-input]').fill(KEYS.reader);
    await form.locator('button[type=submit], input[type=submit]').first().click();
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual(fleet.map((d) => d.id).sort());
    expect(await page.evaluate(() => sessionStorage.getItem('avgraph.apiKey'))).toBe(KEYS.reader);
    const controls = page.locator('button[data-testid^=ctl-]');
    expect(await controls.count()).toBeGreaterThanOrEqual(fleet.length);
    const states = await controls.evaluateAll((els) => els.map((e) => ({ disabled: (e as HTMLButtonElement).disabled, title: e.getAttribute('title') ?? '' })));
    expect(states.filter((s) => !s.disabled)).toEqual([]);
    expect(states.filter((s) => s.title === '')).toEqual([]);

    // on a device page too
    const cam = fleet.find((d) => d.source.name === 'cams' && d.connection === 'ONLINE' && d.capabilities.includes('PTZ')) ?? fleet.find((d) => d.source.name === 'cams')!;
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(cam.id)}`);
    await page.locator(`[data-testid=device-page][data-device-id="${cam.id}"]`).waitFor({ timeout: 5_000 });
    const pageControls = await page.locator('button[data-testid^=ctl-]').evaluateAll((els) => els.map((e) => (e as HTMLButtonElement).disabled));
    expect(pageControls.length).toBeGreaterThan(0);
    expect(pageControls.filter((d) => !d)).toEqual([]);
  });

  it('lets a control key use the controls its devices support', async () => {
    const { page } = await tab();
    await page.goto(`${stack.url}/`);
    await page.locator('input[data-testid=key-input]').fill(KEYS.control);
    await page.locator('form[data-testid=key-form]').locator('button[type=submit], input[type=submit]').first().click();
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual(fleet.map((d) => d.id).sort());
    const buttons = await page.locator('article[data-testid=device-card] button[data-testid^=ctl-]').evaluateAll((els) =>
      els.map((e) => ({
        device: e.closest('article')!.getAttribute('data-device-id')!,
        testid: e.getAttribute('data-testid')!,
        disabled: (e as HTMLButtonElement).disabled,
      })),
    );
    const capabilities = new Map(fleet.map((d) => [d.id, d.capabilities]));
    const unsupported = buttons.filter((b) => CONTROL_CAPABILITY[b.testid] && !capabilities.get(b.device)!.includes(CONTROL_CAPABILITY[b.testid]!));
    expect(unsupported.length).toBeGreaterThan(0);
    expect(unsupported.filter((b) => !b.disabled)).toEqual([]);
    const enabled = buttons.filter((b) => !b.disabled).length;
    expect(enabled).toBeGreaterThan(0);
    const idle = (await fetchFleet()).find((d) => d.connection === 'ONLINE' && d.isRecording === false && d.capabilities.includes('RECORD'))!;
    expect(await card(page, idle.id).locator('button[data-testid=ctl-start-recording]').isDisabled()).toBe(false);
  });

  it('shows a control’s typed error next to it', async () => {
    const { page } = wall;
    await page.goto(`${stack.url}/#/`);
    // an offline device: the API refuses before calling the vendor
    const offline = fleet.find((d) => d.source.name === 'cloud' && d.connection === 'OFFLINE' && d.capabilities.includes('RECORD'))!;
    expect(offline).toBeTruthy();
    await card(page, offline.id).locator('[data-testid=ctl-start-recording]').click();
    const offlineError = card(page, offline.id).locator('[data-testid=control-error]');
    await offlineError.waitFor({ timeout: 5_000 });
    expect(await offlineError.getAttribute('data-error-type')).toBe('DeviceOfflineError');
    expect(await offlineError.innerText()).toContain('offline');

    // the vendor fails the command: an UpstreamError, on that device's card alone
    const studio = (await fetchFleet()).find((d) => d.source.name === 'studio' && d.connection === 'ONLINE' && d.isRecording === false && d.capabilities.includes('RECORD'))!;
    const baseUrl = simUrl('studio').origin;
    await fetch(`${baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ failMethod: 'POST', failNext: 1, errorStatus: 500 }) });
    try {
      await card(page, studio.id).locator('[data-testid=ctl-start-recording]').click();
      const upstreamError = card(page, studio.id).locator('[data-testid=control-error]');
      await upstreamError.waitFor({ timeout: 5_000 });
      expect(await upstreamError.getAttribute('data-error-type')).toBe('UpstreamError');
      expect(await upstreamError.innerText()).toContain('HTTP 500');
      expect(await card(page, studio.id).getAttribute('data-recording')).toBe('false');
    } finally {
      await fetch(`${baseUrl}/__sim/reset`, { method: 'POST' });
    }

    // an RTMP target without a path: the API refuses it as invalid input, shown next to the push control
    const encoder = (await fetchFleet()).find((d) => d.connection === 'ONLINE' && d.capabilities.includes('RTMP_PUSH'))!;
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(encoder.id)}`);
    const devicePage = page.locator(`[data-testid=device-page][data-device-id="${encoder.id}"]`);
    await devicePage.locator('[data-testid=rtmp-url]').fill('rtmp://relay.example');
    await devicePage.locator('button[data-testid=ctl-push-rtmp]').click();
    const invalid = devicePage.locator('[data-testid=control-error]');
    await invalid.waitFor({ timeout: 5_000 });
    expect(await invalid.getAttribute('data-error-type')).toBe('ValidationError');
    expect(await invalid.innerText()).toContain('rtmpUrl');
  });

  it('plays a Videoloft event with hls.js through /media', async () => {
    const { page } = wall;
    const media: Response[] = [];
    const onResponse = (r: Response) => {
      if (new URL(r.url()).pathname.startsWith('/media/')) media.push(r);
    };
    page.on('response', onResponse);
    const cam = fleet.find((d) => d.source.name === 'cams' && d.connection === 'ONLINE')!;
    await page.goto(`${stack.url}/#/device/${encodeURIComponent(cam.id)}`);
    await page.locator(`[data-testid=device-page][data-device-id="${cam.id}"]`).waitFor({ timeout: 5_000 });
    // the device's own recordings, as the API lists them
    const r = await stack.gql(`query($id:ID!){ device(id:$id){ recordings(first: 50){ edges { node { id } } } } }`, { id: cam.id });
    const ids = r.data.device.recordings.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    expect(ids).toHaveLength(6);
    const rows = page.locator('[data-testid=recordings] [data-testid=recording-row]');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-recording-id')).sort()), { timeout: 5_000 }).toEqual(ids);
    await rows.locator('[data-testid=play-recording]').first().click();

    // the playlist, then segments named in it, all through avgraph's signed /media URLs
    const segmentUrls = new Set<string>();
    await eventually(
      async () => {
        for (const r of media.filter((m) => (m.headers()['content-type'] ?? '').includes('mpegurl'))) {
          for (const line of (await r.text()).split('\n')) if (line && !line.startsWith('#')) segmentUrls.add(new URL(line, r.url()).href);
        }
        // fetched by hls.js (xhr/fetch), not by the <video> element itself
        return media.some(
          (m) => segmentUrls.has(m.url()) && m.status() === 200 && !(m.headers()['content-type'] ?? '').includes('mpegurl') && ['xhr', 'fetch'].includes(m.request().resourceType()),
        );
      },
      10_000,
      'hls.js fetching a segment of the playlist',
    );
    const player = page.locator('video[data-testid=player]');
    // hls.js feeds the <video> a MediaSource, and the picture decodes: the simulator's sample video is 320x180
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.src), { timeout: 5_000 }).toMatch(/^blob:/);
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => ({ decoded: v.readyState >= 2, width: v.videoWidth })), { timeout: 10_000 })
      .toEqual({ decoded: true, width: 320 });
    page.off('response', onResponse);
    expect(media.every((m) => m.status() < 400)).toBe(true);
    // hls.js demuxes in its worker, a file of the build (CSP worker-src 'self': no blob: worker)
    expect(wall.workers.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/assets/'))).not.toEqual([]);
    expect(wall.workers.filter((u) => u.startsWith('blob:'))).toEqual([]);
  });

  it('walks the Evercam snapshot archive by day and hour in the camera’s own time zone', async () => {
    const { page } = wall;
    const cams = await stack.gql(`{ devices(filter: { vendors: [EVERCAM] }) { edges { node { id timeZone connection } } } }`);
    // a camera whose zone is not UTC, so a calendar counted in UTC would pick the wrong snapshots
    const cam = cams.data.devices.edges.map((e: { node: { id: string; timeZone: string | null } }) => e.node).find((n: { timeZone: string | null }) => n.timeZone && n.timeZone !== 'UTC');
    expect(cam).toBeTruthy();
    const zone: string = cam.timeZone;
    // the newest snapshot, and its wall time in the camera's zone
    const newest = await stack.gql(`query($id: ID!, $t: DateTime!) { device(id: $id) { snapshotAt(time: $t) { takenAt } } }`, { id: cam.id, t: new Date().toISOString() });
    const taken = new Date(newest.data.device.snapshotAt.takenAt);
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' })
        .formatToParts(taken)
        .map((p) => [p.type, Number(p.value)]),
    );
    const days = await stack.gql(`query($id: ID!, $y: Int!, $m: Int!) { device(id: $id) { snapshotDays(year: $y, month: $m) } }`, { id: cam.id, y: parts.year, m: parts.month });
    expect(days.data.device.snapshotDays).toContain(parts.day);

    await page.goto(`${stack.url}/#/device/${encodeURIComponent(cam.id)}`);
    const archive = page.locator('[data-testid=snapshot-archive]');
    await archive.waitFor({ timeout: 5_000 });
    await expect.poll(() => archive.innerText(), { timeout: 5_000 }).toContain(zone);
    // the archive opens on the camera's current month: step back to the newest snapshot's, whose days are the API's
    const now = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric' }).formatToParts(new Date()).map((p) => [p.type, Number(p.value)]),
    );
    for (let back = (now.year! - parts.year!) * 12 + now.month! - parts.month!; back > 0; back--) await archive.getByLabel('previous month').click();
    const shownDays = () => archive.locator('[data-testid=archive-day]').evaluateAll((els) => els.map((e) => Number(e.textContent)));
    await expect.poll(shownDays, { timeout: 5_000 }).toEqual(days.data.device.snapshotDays);
    await archive.locator('[data-testid=archive-day]', { hasText: new RegExp(`^${parts.day}$`) }).click();
    await archive.locator('[data-testid=archive-hour]', { hasText: `${String(parts.hour).padStart(2, '0')}h` }).click();
    // the hour holds the newest snapshot: the page asked for that hour of the camera's clock, not of UTC
    const shots = archive.locator('img[data-testid=archive-snapshot]');
    await expect.poll(() => shots.count(), { timeout: 5_000 }).toBeGreaterThan(0);
    expect(await shots.evaluateAll((els) => els.map((e) => e.getAttribute('alt')))).toContain(newest.data.device.snapshotAt.takenAt);
  });

  it('never sent a request to any host but avgraph', () => {
    expect(tabs.flatMap((t) => t.elsewhere)).toEqual([]);
    // graphql-ws went to the page's own origin: CSP connect-src 'self' let it (a refused socket would show below)
    const origin = new URL(stack.url);
    expect(tabs.flatMap((t) => t.sockets).length).toBeGreaterThan(0);
    for (const url of tabs.flatMap((t) => t.sockets)) expect(new URL(url).host).toBe(origin.host);
    // the fence saw the traffic it judges: the page, its bundle, the API, /media
    const seen = tabs.flatMap((t) => t.requested).map((u) => new URL(u).pathname);
    expect(seen).toContain('/');
    expect(seen.some((p) => p.startsWith('/assets/'))).toBe(true);
    expect(seen).toContain('/graphql');
    expect(seen.some((p) => p.startsWith('/media/'))).toBe(true);
  });

  it('broke no rule of its content security policy and logged no error', () => {
    expect(tabs.flatMap((t) => t.violations)).toEqual([]);
    // a tab opened without a key asks for one after the API answers 401: Chrome logs that response, nothing else
    const refusedKey = (e: { text: string; url: string }) => /status of 401\b/.test(e.text) && new URL(e.url).pathname === '/graphql';
    const withoutKey = tabs.filter((t) => keyless.has(t));
    expect(withoutKey.length).toBeGreaterThan(0);
    expect(withoutKey.flatMap((t) => t.errors).filter(refusedKey).length).toBeGreaterThan(0);
    expect(withoutKey.flatMap((t) => t.errors).filter((e) => !refusedKey(e))).toEqual([]);
    expect(tabs.filter((t) => !keyless.has(t)).flatMap((t) => t.errors)).toEqual([]);
  });

  it('keeps the key out of localStorage and out of every URL', async () => {
    for (const t of tabs) expect(await t.page.evaluate(() => localStorage.length)).toBe(0);
    const urls = tabs.flatMap((t) => [...t.requested, ...t.sockets, ...t.elsewhere, t.page.url()]);
    expect(urls.length).toBeGreaterThan(0);
    for (const key of Object.values(KEYS)) {
      expect(urls.filter((u) => u.includes(key) || decodeURIComponent(u).includes(key))).toEqual([]);
    }
    // it went where it belongs: the graphql-ws connection_init of the keyed tabs
    expect(wall.sent.some((f) => f.includes('connection_init') && f.includes(KEYS.control))).toBe(true);
  });
});
