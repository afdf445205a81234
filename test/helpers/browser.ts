import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (CI installs it: .ci/run). */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface FencedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL (HTTP or WebSocket) the page tried to reach anywhere but `origin`; each was refused. */
  elsewhere: string[];
  /** Every URL the page requested at `origin`. */
  requested: string[];
  /** Every message the page received over a WebSocket to `origin` (graphql-ws frames). */
  frames: string[];
  /** Full page loads (not in-page route changes) of the main frame. */
  loads: () => number;
}

/**
 * A fresh tab (own sessionStorage) whose network is closed to everything but `origin`, the way a wall screen
 * without internet access would see the dashboard. `apiKey` is put in the tab's sessionStorage before the app runs.
 */
export async function fencedPage(browser: Browser, origin: string, opts: { apiKey?: string; width?: number; height?: number } = {}): Promise<FencedPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1600, height: opts.height ?? 1000 } });
  const elsewhere: string[] = [];
  const requested: string[] = [];
  const frames: string[] = [];
  let loads = 0;
  await context.route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith('blob:') || url.startsWith('data:') || new URL(url).origin === origin) {
      requested.push(url);
      return route.continue();
    }
    elsewhere.push(url);
    return route.abort('blockedbyclient');
  });
  if (opts.apiKey) await context.addInitScript((key) => sessionStorage.setItem('avgraph.apiKey', key), opts.apiKey);
  // a missing element fails a test in seconds, not at the test's own timeout
  context.setDefaultTimeout(5_000);
  const page = await context.newPage();
  const host = new URL(origin).host;
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== host) return void elsewhere.push(ws.url());
    ws.on('framereceived', (f) => void frames.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
  });
  page.on('load', () => void (loads += 1));
  return { context, page, elsewhere, requested, frames, loads: () => loads };
}
