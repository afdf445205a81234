import { Pool, errors as undiciErrors } from 'undici';
import type { Readable } from 'node:stream';
import { UpstreamError } from '../errors.js';
import type { SourceHealth, Vendor } from '../model.js';
import { CircuitBreaker } from './breaker.js';
import { HealthWatch } from './health-watch.js';
import { redact } from './redact.js';

export interface HttpClientOptions {
  sourceId: string;
  vendor: Vendor;
  /** Connect, header and body timeouts, each. */
  timeoutMs?: number;
  /** Secrets this source knows (a function for ones that change, like session tokens); scrubbed from every message. */
  secrets?: string[] | (() => string[]);
  maxBodyBytes?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Longest Retry-After we wait for; longer ones fail at once. */
  maxRetryAfterMs?: number;
  breakerThreshold?: number;
  breakerCooldownMs?: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. Never put into messages: it may carry vendor secrets. */
  url: string;
  /** A short, secret-free name for counters and messages, e.g. "GET devices". */
  endpoint: string;
  headers?: Record<string, string>;
  body?: string;
  /** Only idempotent reads are retried; defaults to true for GET. */
  retry?: boolean;
  /** HTTP statuses the caller handles itself (no error, no breaker failure), e.g. 404. */
  acceptStatus?: number[];
  /** Longest silence allowed inside a streamed body (long-lived feeds); default timeoutMs. */
  bodyTimeoutMs?: number;
  /** Ends the request (and its body) when aborted. */
  signal?: AbortSignal;
}

export interface UpstreamResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** Failures that say the upstream is unwell (count toward the breaker); others are the caller's problem. */
function isHealthFailure(status: number): boolean {
  return status >= 500 || status === 429 || status === 401 || status === 403;
}

function parseRetryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The one way avgraph talks to a vendor: undici Pool per origin with keep-alive, timeouts, retries of
 * idempotent reads only, a circuit breaker, a body size limit, per-endpoint call counters, and health.
 */
export class HttpClient {
  readonly sourceId: string;
  readonly vendor: Vendor;
  private readonly pools = new Map<string, Pool>();
  private readonly breaker: CircuitBreaker;
  private readonly counters = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly opts: Required<Omit<HttpClientOptions, 'sourceId' | 'vendor' | 'secrets'>>;
  private readonly secrets: () => string[];
  private lastSuccessAt: Date | null = null;
  private lastError: string | null = null;
  private lastFailed = false;
  private readonly watch: HealthWatch;

  constructor(options: HttpClientOptions) {
    this.sourceId = options.sourceId;
    this.vendor = options.vendor;
    this.opts = {
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
      maxRetries: options.maxRetries ?? 2,
      retryBaseMs: options.retryBaseMs ?? 200,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 5_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerCooldownMs: options.breakerCooldownMs ?? 10_000,
    };
    const secrets = options.secrets ?? [];
    this.secrets = typeof secrets === 'function' ? secrets : () => secrets;
    this.breaker = new CircuitBreaker(this.opts.breakerThreshold, this.opts.breakerCooldownMs);
    this.watch = new HealthWatch(() => this.health());
  }

  /** Upstream calls made so far, by endpoint name ("GET devices": 3). */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  totalCalls(): number {
    let n = 0;
    for (const v of this.counters.values()) n += v;
    return n;
  }

  health(): SourceHealth {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
    return {
      state: this.breaker.isOpen ? 'DOWN' : this.lastFailed ? 'DEGRADED' : 'OK',
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      latencyMs: median,
      circuitOpen: this.breaker.isOpen,
    };
  }

  onHealthChange(listener: (h: SourceHealth) => void): () => void {
    return this.watch.subscribe(listener);
  }

  /** A JSON reply, size-limited; malformed JSON is an UpstreamError. */
  async json<T = unknown>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const res = await this.send(req, 'reply', async (body) => {
      const text = await this.readLimited(body, req.endpoint);
      if (text.length === 0) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw this.error(`${req.endpoint}: malformed JSON in reply`, { code: 'MALFORMED_RESPONSE', retryable: true });
      }
    });
    return res as UpstreamResponse<T>;
  }

  /** A streamed reply (media). The caller must consume or destroy the body. */
  async stream(req: UpstreamRequest): Promise<UpstreamResponse<Readable>> {
    return this.send(req, 'headers', async (body) => body);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => p.destroy())));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, {
        connections: 16,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.opts.timeoutMs },
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  /**
   * `deadline` says what must arrive within timeoutMs: the whole reply (JSON), or the headers (media, whose
   * body may stream for long; undici's bodyTimeout still ends a stalled one).
   */
  private async send<T>(
    req: UpstreamRequest,
    deadline: 'reply' | 'headers',
    read: (body: Readable) => Promise<T>,
  ): Promise<UpstreamResponse<T>> {
    const retryable = req.retry ?? req.method === 'GET';
    const maxAttempts = retryable ? this.opts.maxRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      if (!this.breaker.tryAcquire()) {
        throw this.error(`circuit open: ${this.vendor} source "${this.sourceId}" is failing, not calling ${req.endpoint}`, {
          code: 'CIRCUIT_OPEN',
          retryable: true,
        });
      }
      const outcome = await this.attempt(req, deadline, read);
      if (outcome.ok) return outcome.response;
      const { error, retryAfterMs, unhealthy } = outcome;
      const canRetry = attempt < maxAttempts && error.retryable && retryAfterMs !== Infinity;
      if (!canRetry) {
        // The breaker counts failed calls, not attempts: one call retried twice is one failure.
        if (unhealthy) this.recordFailure(error);
        else this.recordNeutral();
        throw error;
      }
      const backoff = this.opts.retryBaseMs * 2 ** (attempt - 1);
      await sleep(retryAfterMs ?? backoff / 2 + Math.random() * backoff);
    }
  }

  private async attempt<T>(
    req: UpstreamRequest,
    deadline: 'reply' | 'headers',
    read: (body: Readable) => Promise<T>,
  ): Promise<
    { ok: true; response: UpstreamResponse<T> } | { ok: false; error: UpstreamError; retryAfterMs: number | null; unhealthy: boolean }
  > {
    const url = new URL(req.url);
    this.counters.set(req.endpoint, (this.counters.get(req.endpoint) ?? 0) + 1);
    const started = performance.now();
    let status = 0;
    // undici's own timers are coarse (about a second); this one is exact.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.opts.timeoutMs);
    const onCallerAbort = () => abort.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const res = await this.pool(url.origin).request({
        signal: abort.signal,
        ...(req.bodyTimeoutMs ? { bodyTimeout: req.bodyTimeoutMs } : {}),
        method: req.method,
        path: url.pathname + url.search,
        headers: { 'user-agent': 'avgraph', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
        body: req.body,
      });
      status = res.statusCode;
      if (deadline === 'headers') clearTimeout(timer);
      const accepted = (status >= 200 && status < 300) || (req.acceptStatus ?? []).includes(status);
      if (!accepted) {
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
        res.body.resume();
        const error = this.error(`${req.endpoint}: HTTP ${status}`, {
          code: `HTTP_${status}`,
          status,
          retryable: status >= 500 || status === 429,
        });
        const waitMs = retryAfter === null ? null : retryAfter > this.opts.maxRetryAfterMs ? Infinity : retryAfter;
        return { ok: false, error, retryAfterMs: waitMs, unhealthy: isHealthFailure(status) };
      }
      const body = await read(res.body);
      this.recordSuccess(performance.now() - started);
      return { ok: true, response: { status, headers: res.headers, body } };
    } catch (e) {
      const error = e instanceof UpstreamError ? e : this.networkError(req.endpoint, abort.signal.aborted ? 'timeout' : e);
      // A reply too large is the upstream's fault; so are timeouts, resets and malformed replies.
      return { ok: false, error, retryAfterMs: null, unhealthy: true };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async readLimited(body: Readable, endpoint: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > this.opts.maxBodyBytes) {
        body.destroy();
        throw this.error(`${endpoint}: reply larger than ${this.opts.maxBodyBytes} bytes`, { code: 'RESPONSE_TOO_LARGE' });
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private networkError(endpoint: string, e: unknown): UpstreamError {
    const timeout =
      e === 'timeout' ||
      e instanceof undiciErrors.HeadersTimeoutError ||
      e instanceof undiciErrors.BodyTimeoutError ||
      e instanceof undiciErrors.ConnectTimeoutError;
    const code = timeout ? 'TIMEOUT' : ((e as { code?: string }).code ?? 'NETWORK_ERROR');
    const what = timeout ? `timed out after ${this.opts.timeoutMs} ms` : `network error (${code})`;
    return this.error(`${endpoint}: ${what}`, { code, retryable: true });
  }

  /** Every UpstreamError this client makes goes through here, so none carries a secret. */
  error(message: string, init: { code?: string; retryable?: boolean; status?: number }): UpstreamError {
    return new UpstreamError(redact(`${this.vendor} source "${this.sourceId}": ${message}`, this.secrets()), {
      vendor: this.vendor,
      sourceId: this.sourceId,
      ...init,
    });
  }

  private recordSuccess(ms: number): void {
    this.latencies.push(ms);
    if (this.latencies.length > 50) this.latencies.shift();
    this.lastSuccessAt = new Date();
    this.lastFailed = false;
    this.breaker.onSuccess();
    this.watch.check();
  }

  private recordFailure(error: UpstreamError): void {
    this.lastError = error.message;
    this.lastFailed = true;
    this.breaker.onFailure();
    this.watch.check();
  }

  private recordNeutral(): void {
    this.breaker.onNeutral();
    this.watch.check();
  }
}
