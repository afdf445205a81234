import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const children: ChildProcess[] = [];

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(TSX, ['src/main.ts', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'avgraph-'));
  const path = join(dir, 'avgraph.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

describe('npm start', () => {
  it('serves the demo fleet within 5 s, says access is open, and stops cleanly on SIGTERM', async () => {
    const t0 = Date.now();
    const p = run([], { PORT: '0' });
    let url = '';
    while (!url) {
      if (Date.now() - t0 > 5000) throw new Error(`not ready within 5 s:\n${p.out()}\n${p.err()}`);
      url = p.out().match(/GraphiQL at (http:\/\/\S+)\/graphql/)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    const ready = Date.now() - t0;
    expect(ready).toBeLessThan(5000);
    expect(p.out()).toMatch(/ACCESS CONTROL IS OFF/);
    expect(p.out()).toMatch(/cloud \(EPIPHAN_CLOUD\)/);
    expect(p.out()).toMatch(/studio \(AV_STUDIO\)/);
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ devices { totalCount } }' }),
    });
    expect((await res.json()).data.devices.totalCount).toBeGreaterThanOrEqual(20);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    console.log(`npm start ready in ${ready} ms (process spawn included)`);
  });

  it('stops with one clear line for a bad config', async () => {
    const path = configFile({ sources: [{ id: 'x', vendor: 'AV_STUDIO', baseUrl: 'https://go.avstudio.com', token: '${MISSING_TOKEN_VAR}' }] });
    const p = run(['--config', path]);
    expect(await p.exited).toBe(1);
    expect(p.err().trim()).toBe('config: sources[0].token: environment variable MISSING_TOKEN_VAR is not set');
  });

  it('refuses real sources without API keys unless allowAnonymous, via AVGRAPH_CONFIG', async () => {
    const path = configFile({ sources: [{ id: 'x', vendor: 'AV_STUDIO', baseUrl: 'https://go.avstudio.com', token: 'tok-123' }] });
    const p = run([], { AVGRAPH_CONFIG: path });
    expect(await p.exited).toBe(1);
    expect(p.err().trim()).toMatch(/^config: apiKeys: .*allowAnonymous/);
    expect(p.err()).not.toContain('tok-123');
  });
});
