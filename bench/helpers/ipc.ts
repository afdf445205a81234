/**
 * Bench processes and the bench talking over Node's IPC channel: each child announces itself once ready and
 * answers named requests; every child answers "cpu" with its own process.cpuUsage(), so a server's CPU per
 * request is measured in the server, not in the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Handlers = Record<string, (arg: unknown) => unknown>;
interface Request {
  id: number;
  cmd: string;
  arg?: unknown;
}

/** In a child: announce `info` and answer requests; SIGTERM runs `close` and exits. */
export function serveIpc(info: unknown, handlers: Handlers, close: () => Promise<void> = async () => undefined): void {
  const all: Handlers = { cpu: () => process.cpuUsage(), ...handlers };
  process.on('message', (m: Request) => {
    void (async () => {
      try {
        const fn = all[m.cmd];
        if (!fn) throw new Error(`no command ${m.cmd}`);
        process.send!({ id: m.id, result: await fn(m.arg) });
      } catch (e) {
        process.send!({ id: m.id, error: (e as Error).message });
      }
    })();
  });
  process.on('SIGTERM', () => void close().finally(() => process.exit(0)));
  process.send!({ ready: info });
}

/** In the bench: a tsx child process with an IPC channel. */
export class BenchChild<Info> {
  private readonly proc: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private out = '';
  readonly ready: Promise<Info>;

  constructor(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const file = fileURLToPath(new URL(script, import.meta.url));
    this.proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.proc.stdout!.on('data', (d) => (this.out = (this.out + d).slice(-4000)));
    this.proc.stderr!.on('data', (d) => (this.out = (this.out + d).slice(-4000)));
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m: { ready?: Info; id?: number; result?: unknown; error?: string }) => {
        if (m.ready !== undefined) return resolve(m.ready);
        const w = this.waiting.get(m.id!);
        this.waiting.delete(m.id!);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      });
      this.proc.once('exit', (code) => {
        const err = new Error(`${script} exited (${code}):\n${this.out}`);
        reject(err);
        for (const w of this.waiting.values()) w.reject(err);
      });
    });
  }

  call<T>(cmd: string, arg?: unknown): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, cmd, arg } satisfies Request);
    });
  }

  /** CPU time of the child so far, in ms. */
  async cpuMs(): Promise<number> {
    const u = await this.call<NodeJS.CpuUsage>('cpu');
    return (u.user + u.system) / 1000;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const force = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  }
}
