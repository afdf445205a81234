import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the Vite build writes: index.html and its hashed scripts and styles (no source maps, no web fonts). */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Everything the page loads comes from avgraph: scripts, styles, the API (HTTP, and graphql-ws: CSP3's 'self'
 * covers the same origin's ws:/wss:), signed /media thumbnails and HLS (hls.js runs its demuxer in a worker file of the
 * build and feeds the <video> a blob: MediaSource). No inline style or script, no plugin, no <base>, forms post home.
 */
const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The built bundle, dist/web: the same path from src/dashboard.ts (tsx) and dist/dashboard.js (compiled). */
export function bundleDir(): string {
  return fileURLToPath(new URL('../dist/web/', import.meta.url));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>avgraph</title>
<p>The dashboard is not built. Run <code>npm run build:web</code> (<code>npm start</code> does it), then reload.
GraphiQL is at <a href="/graphql">/graphql</a>.</p>`;

/**
 * The fleet dashboard at `/`: files of the Vite build, read once. Only files of the build are served (a map from
 * URL path to file, so no path from a request ever reaches the file system); hashed assets are immutable.
 */
export function createDashboardHandler(dir = bundleDir()): (req: IncomingMessage, res: ServerResponse) => void {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(join(dir, 'index.html'))) {
    for (const path of listFiles(dir)) {
      const url = '/' + relative(dir, path).split(sep).join('/');
      files.set(url, { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream' });
    }
  }
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return void res.end('method not allowed');
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const file = files.get(path === '/' ? '/index.html' : path);
    if (!file) {
      if (files.size === 0 && path === '/') {
        res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(NOT_BUILT);
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('not found');
    }
    const immutable = path.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
}

/** Paths the dashboard owns: its page and its build's files (GraphiQL, the API and /media keep theirs). */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/assets/');
}
