import { UpstreamError } from '../../errors.js';
import { learnSecret } from '../../secrets.js';
import type { HttpClient } from '../http.js';
import type { WireLogin } from './wire.js';

export interface SessionState {
  uid: string;
  token: string;
  /** The regional authenticator to use from now on. */
  authenticator: string;
  /** Days of recordings the plan keeps. */
  maxAgeDays: number;
  obtainedAt: number;
}

export interface SessionOptions {
  authUrl: string;
  email: string;
  password: string;
  /** Renew this long after login (tokens die after 20 minutes; the document says renew about every 15). */
  refreshAfterMs?: number;
}

/**
 * The account's token: one login shared by every request, renewed ahead of expiry and once after a 401,
 * by one caller at a time; requests arriving during a renewal wait for it.
 */
export class VideoloftSession {
  private state: SessionState | null = null;
  private pending: Promise<SessionState> | null = null;
  private readonly refreshAfterMs: number;
  /** Logins made so far; tests read it. */
  logins = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly opts: SessionOptions,
  ) {
    this.refreshAfterMs = opts.refreshAfterMs ?? 15 * 60_000;
  }

  /** The current token, for redaction. */
  get token(): string | null {
    return this.state?.token ?? null;
  }

  private async login(): Promise<SessionState> {
    this.logins += 1;
    // Regional authenticators redirect; keep logging in at the one the user was sent to.
    const base = this.state?.authenticator ?? this.opts.authUrl;
    const q = new URLSearchParams({ email: this.opts.email, password: this.opts.password });
    const res = await this.http.json<WireLogin>({
      method: 'GET',
      url: `${base}/login?${q}`,
      endpoint: 'GET login',
      retry: false,
      acceptStatus: [401, 403],
    });
    if (res.status === 401 || res.status === 403) {
      throw this.http.error('login refused: wrong email or password', { code: 'UNAUTHORIZED', status: res.status });
    }
    const body = res.body ?? {};
    const r = body.result;
    const token = r?.authToken ?? body.authToken;
    if (!r || r.uid === undefined || !token) throw this.http.error('login reply has no uid or token', { code: 'MALFORMED_RESPONSE' });
    const authenticator = (r.authenticator ?? body.authenticator ?? base).replace(/\/+$/, '');
    learnSecret(token);
    return { uid: String(r.uid), token, authenticator, maxAgeDays: r.accountInfo?.maxAge ?? 7, obtainedAt: Date.now() };
  }

  /** A valid session; `stale` names a token the caller saw refused, to force one renewal. */
  async get(stale: string | null = null): Promise<SessionState> {
    const s = this.state;
    if (s && s.token !== stale && Date.now() - s.obtainedAt < this.refreshAfterMs) return s;
    this.pending ??= this.login().then(
      (next) => {
        this.state = next;
        this.pending = null;
        return next;
      },
      (e: unknown) => {
        this.pending = null;
        throw e;
      },
    );
    return this.pending;
  }

  /** Runs `call` with a session; on a 401 renews the token once and runs it again. */
  async with<T>(call: (s: SessionState) => Promise<T>): Promise<T> {
    const s = await this.get();
    try {
      return await call(s);
    } catch (e) {
      if (!(e instanceof UpstreamError) || e.status !== 401) throw e;
      return call(await this.get(s.token));
    }
  }
}
