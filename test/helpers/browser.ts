import { subscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (CI installs it: .ci/run). */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Every connection a server of this process accepted and still holds (HTTP keep-alive and WebSocket alike). */
const accepted = new Set<Socket>();
subscribe('net.server.socket', (message) => {
  const { socket } = message as { socket: Socket };
  accepted.add(socket);
  socket.once('close', () => accepted.delete(socket));
});

/** Cuts every connection the server on `port` holds, as a crash or a network cut would; returns how many. */
export function dropConnections(port: number): number {
  let dropped = 0;
  for (const socket of accepted) {
    if (socket.localPort !== port) continue;
    socket.destroy();
    dropped += 1;
  }
  return dropped;
}

export interface FencedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL (HTTP or WebSocket) the page tried to reach anywhere but `origin`; each was refused. */
  elsewhere: string[];
  /** Every URL the page requested at `origin`. */
  requested: string[];
  /** The URL of every WebSocket the page opened (to any host). */
  sockets: string[];
  /** Every message the page received over a WebSocket to `origin` (graphql-ws frames). */
  frames: string[];
  /** Every message the page sent over a WebSocket to `origin`. */
  sent: string[];
  /** The script URL of every worker the page started. */
  workers: string[];
  /** Content-Security-Policy violations the page reported (directive, blocked URI, source). */
  violations: string[];
  /** Console errors and uncaught page errors, each with where it came from. */
  errors: { text: string; url: string }[];
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
  const sockets: string[] = [];
  const frames: string[] = [];
  const sent: string[] = [];
  const workers: string[] = [];
  const violations: string[] = [];
  const errors: { text: string; url: string }[] = [];
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
  // a binding outlives reloads, where an array on window would not
  await context.exposeFunction('__avgraphCspViolation', (v: string) => void violations.push(v));
  await context.addInitScript(() => {
    const report = (window as unknown as { __avgraphCspViolation: (v: string) => void }).__avgraphCspViolation;
    document.addEventListener('securitypolicyviolation', (e) => void report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
  });
  if (opts.apiKey) await context.addInitScript((key) => sessionStorage.setItem('avgraph.apiKey', key), opts.apiKey);
  // a missing element fails a test in seconds, not at the test's own timeout
  context.setDefaultTimeout(5_000);
  const page = await context.newPage();
  const host = new URL(origin).host;
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    if (new URL(ws.url()).host !== host) return void elsewhere.push(ws.url());
    const text = (payload: string | Buffer) => (typeof payload === 'string' ? payload : payload.toString('utf8'));
    ws.on('framereceived', (f) => void frames.push(text(f.payload)));
    ws.on('framesent', (f) => void sent.push(text(f.payload)));
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => void errors.push({ text: `${e.name}: ${e.message}`, url: page.url() }));
  page.on('worker', (w) => void workers.push(w.url()));
  page.on('load', () => void (loads += 1));
  return { context, page, elsewhere, requested, sockets, frames, sent, workers, violations, errors, loads: () => loads };
}
