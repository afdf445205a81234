import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler, isDashboardPath } from '../src/dashboard.js';
import { Stack } from './helpers/stack.js';

/** Serves one handler on a loopback port. */
async function serve(handler: ReturnType<typeof createDashboardHandler>): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A raw GET: the path goes out exactly as written (fetch would resolve `..` before sending). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard serving', () => {
  // root/web is the bundle; root/secret.txt sits next to it, where a `..` path would lead
  const root = mkdtempSync(join(tmpdir(), 'avgraph-dashboard-'));
  const dir = join(root, 'web');
  const empty = join(root, 'not-built');
  let built: { server: Server; port: number };
  let missing: { server: Server; port: number };

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    mkdirSync(empty);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>avgraph</title><script type="module" src="/assets/index-3f9a1c.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-3f9a1c.js'), 'console.log("fleet")');
    writeFileSync(join(dir, 'assets', 'index-3f9a1c.css'), 'body{margin:0}');
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
    writeFileSync(join(root, 'secret.txt'), 'do-not-serve-7c1e');
    built = await serve(createDashboardHandler(dir));
    missing = await serve(createDashboardHandler(empty));
  });

  afterAll(async () => {
    await Promise.all([built, missing].map(({ server }) => new Promise((r) => server.close(r))));
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / with index.html under the content security policy, never cached', async () => {
    for (const path of ['/', '/index.html', '/?key=ignored']) {
      const r = await get(built.port, path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('/assets/index-3f9a1c.js');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      const csp = String(r.headers['content-security-policy']);
      // only avgraph itself: no other origin may serve a script, a style, a font or an API call
      expect(csp).toContain("default-src 'self'");
      const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d]));
      // graphql-ws goes to the page's own origin, which 'self' covers (CSP3): no socket to any other host
      expect(directives['connect-src']).toBe("connect-src 'self'");
      expect(directives['worker-src']).toBe("worker-src 'self'");
      expect(directives['style-src']).toBe("style-src 'self'");
      expect(directives['object-src']).toBe("object-src 'none'");
      expect(directives['base-uri']).toBe("base-uri 'none'");
      expect(directives['form-action']).toBe("form-action 'self'");
      expect(directives['frame-ancestors']).toBe("frame-ancestors 'self'");
      expect(directives['script-src']).toBeUndefined();
      expect(csp).not.toMatch(/https?:\/\/|\*|ws:|wss:|unsafe-/);
    }
  });

  it('serves hashed assets as immutable, with their types, and HEAD without a body', async () => {
    const js = await get(built.port, '/assets/index-3f9a1c.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log("fleet")');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-length']).toBe(String(Buffer.byteLength('console.log("fleet")')));
    const css = await get(built.port, '/assets/index-3f9a1c.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toContain('immutable');
    // not under /assets/: may change with a new build
    const robots = await get(built.port, '/robots.txt');
    expect(robots.status).toBe(200);
    expect(robots.headers['cache-control']).toBe('no-cache');
    const head = await get(built.port, '/assets/index-3f9a1c.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers 405 with Allow to anything but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/', '/assets/index-3f9a1c.js', '/nope.html']) {
        const r = await get(built.port, path, method);
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.allow).toBe('GET, HEAD');
        expect(r.body).not.toContain('fleet');
      }
    }
    expect((await get(missing.port, '/', 'POST')).status).toBe(405);
  });

  it('answers 404 for a path that is not a file of the build', async () => {
    for (const path of ['/assets/index-000000.js', '/assets/', '/nope.html', '/index.htm']) {
      const r = await get(built.port, path);
      expect(r.status, path).toBe(404);
      expect(r.body).toBe('not found');
    }
  });

  it('never lets a `..` path reach the file system', async () => {
    const paths = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..\\secret.txt',
      '//secret.txt',
      '/assets/../index.html',
    ];
    for (const path of paths) {
      const r = await get(built.port, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('do-not-serve');
    }
  });

  it('answers 503 with how to build when the bundle is missing', async () => {
    const r = await get(missing.port, '/');
    expect(r.status).toBe(503);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('npm run build:web');
    expect(r.body).toContain('/graphql');
    expect((await get(missing.port, '/assets/index-3f9a1c.js')).status).toBe(404);
  });
});

describe('the dashboard in avgraph', () => {
  const stack = new Stack({ open: true, fleetSize: 1 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('is served at / from the build (npm run build:web), with GraphiQL still at /graphql', async () => {
    const page = await stack.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = page.body.toString();
    const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await stack.get(src);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
    const graphiql = await stack.get('/graphql', { accept: 'text/html' });
    expect(graphiql.status).toBe(200);
    expect(graphiql.body.toString()).toContain('GraphiQL');
    const post = await fetch(`${stack.url}/`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.body?.cancel();
  });

  it('claims only its page and the build’s assets', () => {
    for (const path of ['/', '/index.html', '/assets/index-3f9a1c.js']) expect(isDashboardPath(path), path).toBe(true);
    for (const path of ['/graphql', '/media/x/y', '/favicon.svg', '/health', '/assets']) expect(isDashboardPath(path), path).toBe(false);
  });
});
