import { Pool, errors as undiciErrors } from 'undici';
import type { Readable } from 'node:stream';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  halfJitterGenerator,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IBackoff,
} from 'cockatiel';
import { UpstreamError } from '../errors.js';
import type { SourceHealth, Vendor } from '../model.js';
import { inSpan } from '../tracing.js';
import { HealthWatch } from './health-watch.js';
import { redact } from './redact.js';

export interface HttpClientOptions {
  sourceId: string;
  vendor: Vendor;
  /** Bounds a whole call: every attempt and the waits between them (for stream(), up to the reply's headers). */
  timeoutMs?: number;
  /** Secrets this source knows (a function for ones that change, like session tokens); scrubbed from every message. */
  secrets?: string[] | (() => string[]);
  maxBodyBytes?: number;
  /** Retries of an idempotent read after its first attempt. */
  maxRetries?: number;
  /** First backoff step; it doubles with each retry, half of it jittered. */
  retryBaseMs?: number;
  /** Longest Retry-After we wait for; longer ones fail at once. */
  maxRetryAfterMs?: number;
  /** Consecutive failed calls (not attempts) that open the circuit. */
  breakerThreshold?: number;
  /** How long an open circuit fails fast before one probe call may go out. */
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

/** The code of the error a call gets when its caller's signal ended it. */
const CANCELLED = 'CANCELLED';

/** Share of timeoutMs a retry must have left at least, when recent replies do not say how long one takes. */
const MIN_ATTEMPT_SHARE = 0.1;

/** Statuses that say the upstream is unwell (count toward the breaker); others are the caller's problem. */
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

/** One upstream attempt as it ended: `code` null on success, else the UpstreamError's code. */
export interface UpstreamObservation {
  sourceId: string;
  vendor: Vendor;
  endpoint: string;
  status: number | null;
  code: string | null;
  seconds: number;
}

/** Process-wide listeners to every upstream attempt (the /metrics registries); see observeUpstream. */
const upstreamObservers = new Set<(o: UpstreamObservation) => void>();

/** Listens to every upstream attempt of this process; returns the way to stop. */
export function observeUpstream(listener: (o: UpstreamObservation) => void): () => void {
  upstreamObservers.add(listener);
  return () => upstreamObservers.delete(listener);
}

/** The Retry-After an upstream sent with an error reply, for the retry to honour. */
const retryAfterOf = new WeakMap<UpstreamError, number>();

/**
 * The one way avgraph talks to a vendor: undici Pool per origin with keep-alive, cockatiel policies (a
 * circuit breaker around a total timeout around retries of idempotent reads), a body size limit,
 * per-endpoint call counters, and health.
 */
export class HttpClient {
  readonly sourceId: string;
  readonly vendor: Vendor;
  private readonly pools = new Map<string, Pool>();
  private readonly failures: ConsecutiveBreaker;
  private readonly backoff: ExponentialBackoff<number>;
  private readonly breaker: CircuitBreakerPolicy;
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
    this.backoff = new ExponentialBackoff({
      generator: halfJitterGenerator,
      initialDelay: this.opts.retryBaseMs,
      maxDelay: this.opts.timeoutMs,
    });
    this.failures = new ConsecutiveBreaker(this.opts.breakerThreshold);
    this.breaker = circuitBreaker(
      handleWhen((e) => this.isUnhealthy(e)),
      { halfOpenAfter: this.opts.breakerCooldownMs, breaker: this.failures },
    );
    this.watch = new HealthWatch(() => this.health());
    // A probe that gets a neutral answer closes the circuit without telling the breaker (cockatiel treats it as
    // "failed successfully"); clear the count as a success would, or the next single failure reopens it.
    this.breaker.onReset(() => {
      this.failures.state = 0;
    });
    this.breaker.onFailure(({ handled, reason }) => {
      if (handled && 'error' in reason) this.recordFailure(reason.error);
    });
    // A call that set out before the circuit opened and comes back with a success shows the upstream answering:
    // close at once, as the probe's success would (cockatiel lets only the probe close it; isolating and releasing
    // is its public reset). Else the few concurrent 401s of one expired session token open the circuit while the
    // renewal that proves the upstream fine is on its way, and every call fails for a whole cool-down.
    this.breaker.onSuccess(() => {
      if (this.breaker.state === CircuitState.Open) this.breaker.isolate().dispose();
    });
    this.breaker.onStateChange(() => this.watch.check());
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
    const circuitOpen = this.breaker.state !== CircuitState.Closed;
    return {
      state: circuitOpen ? 'DOWN' : this.lastFailed ? 'DEGRADED' : 'OK',
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      latencyMs: this.medianLatency(),
      circuitOpen,
    };
  }

  onHealthChange(listener: (h: SourceHealth) => void): () => void {
    return this.watch.subscribe(listener);
  }

  /** A JSON reply, size-limited; malformed JSON is an UpstreamError. */
  async json<T = unknown>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const res = await this.send(req, async (body) => {
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

  /**
   * A streamed reply (media). The caller must consume or destroy the body. timeoutMs bounds the call up to the
   * headers; the body may stream for long (undici's bodyTimeout still ends a stalled one).
   */
  async stream(req: UpstreamRequest): Promise<UpstreamResponse<Readable>> {
    return this.send(req, async (body) => body);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => p.destroy())));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      // undici's own timers are coarse (about a second): a backstop; the call's deadline is the timeout policy's.
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

  /** `read` turns the body into the result; the call's deadline covers what it awaits. */
  private async send<T>(req: UpstreamRequest, read: (body: Readable) => Promise<T>): Promise<UpstreamResponse<T>> {
    // cockatiel makes calls that arrive while the probe runs wait for it and then run (without their abort
    // signal); we want them to fail fast as while open, so one probe at a time is all the upstream sees.
    if (this.breaker.state === CircuitState.HalfOpen) throw this.circuitOpen(req);
    try {
      // Without a signal of ours cockatiel links every call to one shared never-aborted signal: past ten calls at
      // once, Node warns of a listener leak.
      const callerSignal = req.signal ?? new AbortController().signal;
      return await this.policies(req).execute(({ signal }) => this.attempt(req, read, signal), callerSignal);
    } catch (e) {
      throw e instanceof BrokenCircuitError ? this.circuitOpen(req) : e;
    }
  }

  /**
   * The policies of one call, outermost first: the shared breaker counts the call once, whatever its retries;
   * the timeout aborts the signal every attempt runs under when timeoutMs has passed since the call began, so
   * each attempt gets what is left of it (cooperative: the attempt turns the abort into a TIMEOUT error the
   * breaker counts); the retry repeats idempotent reads.
   *
   * cockatiel's RetryPolicy sleeps whatever its backoff says, without watching the signal. So the retry filter
   * plans the wait (Retry-After, else exponential backoff with jitter) and refuses a retry that could not
   * finish within the budget; the backoff hands that wait over.
   */
  private policies(req: UpstreamRequest) {
    const { timeoutMs, maxRetries, maxRetryAfterMs } = this.opts;
    const startedAt = performance.now();
    let step: IBackoff<unknown> | undefined;
    let waitMs = 0;
    const worthRetrying = (e: Error): boolean => {
      if (!(e instanceof UpstreamError) || !e.retryable) return false;
      const retryAfter = retryAfterOf.get(e);
      if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) return false;
      step = step ? step.next(undefined) : this.backoff.next();
      waitMs = retryAfter ?? step.duration;
      const attemptMs = Math.max(this.medianLatency() ?? 0, timeoutMs * MIN_ATTEMPT_SHARE);
      return performance.now() - startedAt + waitMs + attemptMs <= timeoutMs;
    };
    const idempotent = req.retry ?? req.method === 'GET';
    return wrap(
      this.breaker,
      // Not aborted on return: a stream()'s body goes on after its headers.
      timeout(timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false }),
      retry(handleWhen(worthRetrying), {
        maxAttempts: idempotent ? maxRetries : 0,
        backoff: new DelegateBackoff(() => waitMs),
      }),
    );
  }

  /** One request to the upstream, in a trace span, told to the upstream observers (metrics) when it ends. */
  private async attempt<T>(
    req: UpstreamRequest,
    read: (body: Readable) => Promise<T>,
    signal: AbortSignal,
  ): Promise<UpstreamResponse<T>> {
    const started = performance.now();
    const tell = (status: number | null, code: string | null) => {
      const seen: UpstreamObservation = { sourceId: this.sourceId, vendor: this.vendor, endpoint: req.endpoint, status, code, seconds: (performance.now() - started) / 1000 };
      for (const o of upstreamObservers) o(seen);
    };
    return inSpan(`upstream ${req.endpoint}`, { 'avgraph.source': this.sourceId, 'avgraph.vendor': this.vendor, 'http.request.method': req.method }, async () => {
      try {
        const res = await this.request(req, read, signal);
        tell(res.status, null);
        return res;
      } catch (e) {
        tell(e instanceof UpstreamError ? e.status : null, (e instanceof UpstreamError ? e.code : null) ?? 'ERROR');
        throw e;
      }
    });
  }

  /** One request to the upstream, ended by `signal` (the call's deadline or its caller). */
  private async request<T>(
    req: UpstreamRequest,
    read: (body: Readable) => Promise<T>,
    signal: AbortSignal,
  ): Promise<UpstreamResponse<T>> {
    if (signal.aborted) throw this.abortError(req);
    const url = new URL(req.url);
    this.counters.set(req.endpoint, (this.counters.get(req.endpoint) ?? 0) + 1);
    const started = performance.now();
    try {
      const res = await this.pool(url.origin).request({
        // The deadline's link to the caller's signal ends with the call; a streamed body still obeys the caller.
        signal: req.signal ? AbortSignal.any([signal, req.signal]) : signal,
        ...(req.bodyTimeoutMs ? { bodyTimeout: req.bodyTimeoutMs } : {}),
        method: req.method,
        path: url.pathname + url.search,
        headers: { 'user-agent': 'avgraph', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
        body: req.body,
      });
      const status = res.statusCode;
      if (!((status >= 200 && status < 300) || (req.acceptStatus ?? []).includes(status))) {
        res.body.resume();
        const error = this.error(`${req.endpoint}: HTTP ${status}`, {
          code: `HTTP_${status}`,
          status,
          retryable: status >= 500 || status === 429,
        });
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
        if (retryAfter !== null) retryAfterOf.set(error, retryAfter);
        // An answer that says nothing against the upstream (a 404, a 400) still shows it is alive.
        if (!isHealthFailure(status)) this.recordAlive();
        throw error;
      }
      const body = await read(res.body);
      this.recordSuccess(performance.now() - started);
      return { status, headers: res.headers, body };
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      throw signal.aborted ? this.abortError(req) : this.networkError(req.endpoint, e);
    }
  }

  /**
   * What the breaker counts: statuses that say the upstream is unwell, and every failure without a status
   * (timeouts, resets, malformed or too-large replies: the upstream's fault too). A call its caller cancelled says nothing either way, but
   * cockatiel can only close or reopen a half-open circuit: a cancelled probe reopens it (the next call after the
   * cool-down probes again) rather than closing it on no evidence.
   */
  private isUnhealthy(e: Error): boolean {
    if (!(e instanceof UpstreamError)) return false;
    if (e.code === CANCELLED) return this.breaker.state === CircuitState.HalfOpen;
    return e.status === null || isHealthFailure(e.status);
  }

  private abortError(req: UpstreamRequest): UpstreamError {
    if (req.signal?.aborted) return this.error(`${req.endpoint}: cancelled by the caller`, { code: CANCELLED });
    return this.networkError(req.endpoint, 'timeout');
  }

  private circuitOpen(req: UpstreamRequest): UpstreamError {
    return this.error(`circuit open: ${this.vendor} source "${this.sourceId}" is failing, not calling ${req.endpoint}`, {
      code: 'CIRCUIT_OPEN',
      retryable: true,
    });
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

  private medianLatency(): number | null {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
  }

  private recordSuccess(ms: number): void {
    this.latencies.push(ms);
    if (this.latencies.length > 50) this.latencies.shift();
    this.lastSuccessAt = new Date();
    this.recordAlive();
  }

  private recordAlive(): void {
    this.lastFailed = false;
    this.watch.check();
  }

  private recordFailure(error: Error): void {
    this.lastError = error.message;
    this.lastFailed = true;
    this.watch.check();
  }
}
