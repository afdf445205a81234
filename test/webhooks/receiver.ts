import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Received {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The status this receiver answered (null: it never answered). */
  status: number | null;
  at: number;
}

/** How the receiver answers a request to a path: a status, a redirect, or never ('hang'). */
export type Answer = number | 'hang' | { redirect: string };

/**
 * A webhook receiver on 127.0.0.1: records every request by path and answers as the test says, by path and by
 * how many requests that path got before.
 */
export class Receiver {
  private server: Server | null = null;
  readonly requests: Received[] = [];
  /** Answer for the n-th request (0-based) to a path; 200 unless set. */
  readonly answers = new Map<string, (n: number) => Answer>();
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  at(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Ids a path accepted (answered 2xx), with how often each. */
  accepted(path: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.at(path)) if (r.status !== null && r.status < 300) out.set(r.id, (out.get(r.id) ?? 0) + 1);
    return out;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '/';
    const n = this.at(path).length;
    const answer = this.answers.get(path)?.(n) ?? 200;
    const entry: Received = {
      path,
      id: String(req.headers['webhook-id'] ?? ''),
      timestamp: String(req.headers['webhook-timestamp'] ?? ''),
      signature: String(req.headers['webhook-signature'] ?? ''),
      body: Buffer.concat(chunks).toString('utf8'),
      status: null,
      at: Date.now(),
    };
    this.requests.push(entry);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (typeof answer === 'object') {
      entry.status = 302;
      res.writeHead(302, { location: answer.redirect }).end();
      return;
    }
    entry.status = answer;
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Standard Webhooks verification written from the spec, independently of avgraph's code: the signature is
 * "v1," + base64(HMAC-SHA256(base64decode(secret without "whsec_"), "<id>.<timestamp>.<body>")); several may be
 * given, space-separated.
 */
export function verifies(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.split('_')[1]!, 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest('base64');
  return r.signature.split(' ').some((s) => s === `v1,${expected}`);
}
