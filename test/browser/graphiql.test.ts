import { existsSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlOptions } from '../../src/graphiql.js';
import { schema } from '../../src/schema/index.js';
import { EXAMPLE_OPERATION } from '../../src/yoga.js';
import { eventually, Stack } from '../helpers/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/browser/graphiql.test.ts skipped: no ${CHROMIUM} (CI installs it: .ci/run)`);

describe('GraphiQL tabs', () => {
  it('every example tab validates against the schema', () => {
    const tabs = graphiqlOptions(EXAMPLE_OPERATION).defaultTabs ?? [];
    expect(tabs).toHaveLength(4);
    for (const tab of tabs) expect(validate(schema, parse(tab.query ?? '')).map((e) => e.message)).toEqual([]);
  });
});

describe.skipIf(!haveChromium)('GraphiQL offline, in a browser', () => {
  const stack = new Stack({ open: true, fleetSize: 3, pollIntervalMs: 100 });
  let browser: Browser;
  let page: Page;
  /** Every request the page tried to make anywhere but avgraph. */
  const elsewhere: string[] = [];

  beforeAll(async () => {
    await stack.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    // tall, so the result editor (which draws only the lines in view) shows the devices
    page = await browser.newPage({ viewport: { width: 1600, height: 2400 } });
    const origin = new URL(stack.url).origin;
    // the network is closed to everything but avgraph
    await page.route('**', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      elsewhere.push(url);
      return route.abort('blockedbyclient');
    });
    page.on('websocket', (ws) => {
      if (new URL(ws.url()).host !== new URL(origin).host) elsewhere.push(ws.url());
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack.close();
  });

  /**
   * Opens a tab and runs it once the editor holds its operation. Right after a switch GraphiQL may still hold the
   * previous tab's operation name and answer "Cannot infer operation": run again then.
   */
  const runTab = async (n: number, operation: string) => {
    await page.locator('.graphiql-tab').nth(n).click();
    await expect.poll(() => text('.graphiql-query-editor'), { timeout: 5_000 }).toContain(operation);
    await eventually(
      async () => {
        await page.locator('.graphiql-execute-button').click();
        await new Promise((r) => setTimeout(r, 300));
        return !(await result()).includes('Cannot infer operation');
      },
      5_000,
      `GraphiQL runs ${operation}`,
    );
  };
  // the editor draws spaces as no-break spaces
  const text = async (selector: string) => (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
  const result = () => text('.graphiql-response');

  it('renders from avgraph alone and runs the fleet example', async () => {
    await page.goto(`${stack.url}/graphql`);
    await expect.poll(() => page.locator('.graphiql-tab').count(), { timeout: 10_000 }).toBe(4);
    const names = (await stack.deviceIds('cloud')).map((d) => d.name);
    await runTab(0, 'query Fleet');
    await expect.poll(result, { timeout: 10_000 }).toContain(names[0]);
    expect(await page.title()).toBe('avgraph');
    expect(elsewhere).toEqual([]);
  }, 30_000);

  it('receives a subscription event over graphql-ws', async () => {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await runTab(3, 'subscription DeviceChanged');
    await eventually(() => sockets.length > 0, 5_000, 'GraphiQL opens a graphql-ws connection');
    expect(sockets[0]).toBe(`${stack.url.replace(/^http/, 'ws')}/graphql`);
    // a real AV Studio device (not a demo one), whose recording state its poller reports
    const device = (await stack.deviceIds('studio')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'))!;
    // the change may land before the subscription is in place: stop and start again until the pane shows one
    await eventually(
      async () => {
        for (const m of ['stopRecording', 'startRecording']) {
          const r = await stack.gql(`mutation($d: ID!) { ${m}(deviceId: $d) { __typename } }`, { d: device.id }, null);
          expect(r.errors).toBeUndefined();
        }
        await new Promise((r) => setTimeout(r, 300));
        const pane = await result();
        return pane.includes('"isRecording": true') && pane.includes('"changedFields"');
      },
      10_000,
      'a deviceChanged event in the subscription result pane',
    );
    expect(elsewhere).toEqual([]);
  }, 30_000);
});
