import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Misbehaviour a simulator can be told to show, through POST /__sim/faults. */
export interface SimFaults {
  /** Added before every vendor reply. */
  latencyMs: number;
  /** Share of vendor requests (0..1) answered with `errorStatus`. */
  errorRate: number;
  /** The next N vendor requests fail with `errorStatus`, whatever errorRate says. */
  failNext: number;
  errorStatus: number;
  /** Only requests of this method fail (e.g. "POST": reads work, commands fail). */
  failMethod: string | null;
  /** Retry-After seconds sent with 429/503 errors. */
  retryAfterSeconds: number | null;
  /** The next N JSON replies are cut in half. */
  malformedNext: number;
  /** The next N JSON replies are padded to this many bytes. */
  hugeNext: number;
  hugeBytes: number;
  /** Vendor requests (but those failNext/errorRate fail) get no reply at all: each is held until its client gives up. */
  hang: boolean;
}

const NO_FAULTS: SimFaults = {
  latencyMs: 0,
  errorRate: 0,
  failNext: 0,
  errorStatus: 500,
  failMethod: null,
  retryAfterSeconds: null,
  malformedNext: 0,
  hugeNext: 0,
  hugeBytes: 50 * 1024 * 1024,
  hang: false,
};

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export type SimReply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> };

export type SimHandler = (req: SimRequest) => SimReply | Promise<SimReply>;

/** A route that answers on the raw response (long-lived streams); returns false to fall through. */
export type SimRawHandler = (req: SimRequest, res: ServerResponse) => boolean;

/**
 * The HTTP shell every vendor simulator runs in: loopback server, request counters by route, fault
 * injection and a small control API under /__sim. The vendor part only answers requests.
 */
export class SimServer {
  private server: Server | null = null;
  private faults: SimFaults = { ...NO_FAULTS };
  private readonly counters = new Map<string, number>();
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(
    private readonly handler: SimHandler,
    /** Names a request for the counters, e.g. "GET /devices/:id". */
    private readonly routeName: (req: SimRequest) => string,
    /** Vendor-specific control commands: POST /__sim/<name>. */
    private readonly control: Record<string, (body: Record<string, unknown>) => unknown> = {},
    private readonly raw?: SimRawHandler,
  ) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const addr = server.address() as AddressInfo;
    return `http://${host}:${addr.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setFaults(f: Partial<SimFaults>): void {
    this.faults = { ...this.faults, ...f };
  }

  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  resetCounts(): void {
    this.counters.clear();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://sim'),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    try {
      if (simReq.url.pathname.startsWith('/__sim/')) return this.send(res, this.controlReply(simReq));
      const route = this.routeName(simReq);
      this.counters.set(route, (this.counters.get(route) ?? 0) + 1);
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      const eligible = !this.faults.failMethod || this.faults.failMethod === simReq.method;
      if (eligible && (this.faults.failNext > 0 || (this.faults.errorRate > 0 && Math.random() < this.faults.errorRate))) {
        if (this.faults.failNext > 0) this.faults.failNext -= 1;
        const headers: Record<string, string> =
          this.faults.retryAfterSeconds !== null ? { 'retry-after': String(this.faults.retryAfterSeconds) } : {};
        return this.send(res, { status: this.faults.errorStatus, json: { error: 'simulated failure' }, headers });
      }
      if (this.faults.hang) {
        await new Promise((r) => res.once('close', r));
        return;
      }
      if (this.raw?.(simReq, res)) return;
      this.send(res, await this.handler(simReq));
    } catch (e) {
      this.send(res, { status: 500, json: { error: (e as Error).message } });
    }
  }

  private controlReply(req: SimRequest): SimReply {
    const name = req.url.pathname.slice('/__sim/'.length);
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (name === 'stats') return { status: 200, json: { requests: this.requestCounts() } };
    if (name === 'faults' && req.method === 'POST') {
      this.setFaults(body as Partial<SimFaults>);
      return { status: 200, json: this.faults };
    }
    if (name === 'reset' && req.method === 'POST') {
      this.resetFaults();
      this.resetCounts();
      return { status: 200, json: { ok: true } };
    }
    const fn = this.control[name];
    if (fn && req.method === 'POST') return { status: 200, json: fn(body) ?? { ok: true } };
    return { status: 404, json: { error: `no control command ${name}` } };
  }

  private send(res: ServerResponse, reply: SimReply): void {
    if ('json' in reply) {
      let text = JSON.stringify(reply.json);
      if (reply.status < 300 && this.faults.malformedNext > 0) {
        this.faults.malformedNext -= 1;
        text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      } else if (reply.status < 300 && this.faults.hugeNext > 0) {
        this.faults.hugeNext -= 1;
        // A broken upstream streaming a giant array: valid JSON, absurd size.
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        return this.streamHuge(res, this.faults.hugeBytes);
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    } else {
      res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.bytes.length, ...reply.headers });
      res.end(reply.bytes);
    }
  }

  private streamHuge(res: ServerResponse, bytes: number): void {
    const block = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    res.write('[');
    const pump = () => {
      while (sent < bytes) {
        sent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end(']');
    };
    res.on('error', () => undefined);
    pump();
  }
}
