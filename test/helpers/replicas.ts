import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './stack.js';

/** An avgraph process started the way `npm start` does, with its output kept. */
export interface Replica {
  proc: ChildProcess;
  url: string;
  out: () => string;
}

export interface ReadyState {
  status: string;
  replica: string;
  redis: 'none' | 'up' | 'down';
  sources: { id: string; polling: boolean; role: 'leader' | 'follower' | 'local' | null }[];
}

export function writeConfig(config: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'avgraph-replicas-')), 'avgraph.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export async function startReplica(configPath: string): Promise<Replica> {
  // node itself (not the tsx wrapper), so a kill reaches the process that holds the lease
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', configPath], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await eventually(() => out.match(/GraphiQL at (http:\/\/\S+)\/graphql/)?.[1], 15_000, `replica start:\n${out}`);
  return { proc, url, out: () => out };
}

export const readyOf = async (r: Replica): Promise<ReadyState> => (await fetch(`${r.url}/ready`)).json() as Promise<ReadyState>;

export const pollingOf = async (r: Replica, sourceId: string): Promise<boolean> =>
  (await readyOf(r)).sources.find((s) => s.id === sourceId)!.polling;

/** A TCP port free right now on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server of the test's own, on its own port, that the test may stop and start again. */
export class OwnRedis {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    await eventually(() => /Ready to accept connections/.test(out), 5000, `redis-server on ${this.port}:\n${out}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }
}
