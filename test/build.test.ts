import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Beside src/ as dist/ is: the compiled code finds node_modules and operations/ the same way (.build-*/ is ignored).
const outDir = mkdtempSync(join(process.cwd(), '.build-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(outDir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('emits ESM that plain node runs: the demo starts from the build and answers a query', async () => {
    // Emit only: `npm test` type-checks the same sources already (a checked build takes ~20 s on 2 CPUs).
    const t0 = Date.now();
    await promisify(execFile)(join(process.cwd(), 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir, '--noCheck']);
    const built = Date.now() - t0;

    child = spawn(process.execPath, [join(outDir, 'main.js')], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const t1 = Date.now();
    let url = '';
    while (!url) {
      if (Date.now() - t1 > 5000 || child.exitCode !== null) throw new Error(`not ready within 5 s:\n${out}\n${err}`);
      url = out.match(/avgraph ready: the fleet dashboard at (http:\/\/\S+)\/ and/)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 25));
    }
    const ready = Date.now() - t1;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ devices { totalCount } }' }),
    });
    expect((await res.json()).data.devices.totalCount).toBeGreaterThanOrEqual(20);
    // the compiled server finds the dashboard bundle (dist/web, built by `npm test` before vitest) as tsx does
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    console.log(`build (emit only) ${built} ms; node ${outDir}/main.js ready in ${ready} ms`);
  }, 60_000);
});
