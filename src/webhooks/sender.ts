import { Agent, request } from 'undici';
import type { UrlGuard } from './url-guard.js';

export interface SenderOptions {
  /** Bounds a whole attempt: connecting, the reply's headers and the part of its body read. */
  timeoutMs: number;
  /** Bytes of a reply read at most (only its status matters). */
  maxResponseBytes: number;
}

export interface SendResult {
  ok: boolean;
  status: number | null;
  /** Built here from the failure's kind, never from a peer's text or the URL (which may carry a token). */
  error: string | null;
}

const FAILURES: Record<string, string> = {
  ADDRESS_NOT_ALLOWED: 'address not allowed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out',
  UND_ERR_BODY_TIMEOUT: 'timed out',
  ABORT_ERR: 'timed out',
  CERT_HAS_EXPIRED: 'TLS certificate not accepted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not accepted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not accepted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate not accepted',
};

function describe(e: unknown): string {
  for (let cur = e as { code?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0; cur && depth < 4; cur = cur.cause as typeof cur, depth++) {
    if (typeof cur.code === 'string' && FAILURES[cur.code]) return FAILURES[cur.code]!;
    if (cur.name === 'TimeoutError' || cur.name === 'AbortError') return 'timed out';
  }
  return 'request failed';
}

/** POSTs signed messages: no redirects followed, every attempt bounded in time and in what it reads. */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly guard: UrlGuard,
    private readonly opts: SenderOptions,
  ) {
    // No redirect interceptor: a 3xx is an answer like any other (a failure), its Location never visited.
    this.agent = new Agent({
      // the whole attempt is bounded by the request's signal; the connect timeout is set only so that undici's
      // default (10 s) does not cut connecting short of a longer timeoutMs
      connect: { lookup: guard.lookup, timeout: opts.timeoutMs },
      keepAliveTimeout: 10_000,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    try {
      this.guard.check(url);
    } catch {
      return { ok: false, status: null, error: 'address not allowed' };
    }
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'avgraph-webhooks', ...headers },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.body.dump({ limit: this.opts.maxResponseBytes }).catch(() => undefined);
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { ok: true, status, error: null };
      return { ok: false, status, error: status >= 300 && status < 400 ? `redirect not followed (HTTP ${status})` : `HTTP ${status}` };
    } catch (e) {
      return { ok: false, status: null, error: describe(e) };
    }
  }

  /** Ends connections at once, requests in flight included (their outcome is not recorded then). */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}
