import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UpstreamError } from '../../errors.js';
import { learnSecret } from '../../secrets.js';
import { HttpClient, type UpstreamResponse } from '../http.js';
import { filePath } from '../path.js';
import { isRetryableResult, needsLogin, resultName, timeZoneOf } from './map.js';
import { RESULT, type WireInfo, type WireSettings } from './wire.js';

export interface EncoderOptions {
  sourceId: string;
  baseUrl: string;
  downloadUrl?: string;
  username: string;
  password: string;
  timeoutMs?: number;
  http?: { retryBaseMs?: number; breakerCooldownMs?: number };
}

type Params = Record<string, string | number>;

/** A reply of usapi: `result` plus the method's own fields. */
export type UsapiReply<T> = T & { result: number };

/**
 * One Ultra Stream encoder: its own HTTP pool and breaker (one dead encoder never blocks the others) and
 * one login session (sid cookie) shared by every request. When the device says the session is gone
 * (errNeedAuth, errPasswd, or a reboot), exactly one caller logs in again while the others wait for it.
 */
export class Encoder {
  readonly http: HttpClient;
  readonly baseUrl: string;
  readonly downloadUrl: string;
  private sid: string | null = null;
  private loggingIn: Promise<string> | null = null;
  private readonly passHash: string;
  private readonly username: string;
  /** get-info, cached: it changes only with a firmware update. */
  info: WireInfo | null = null;
  /** get-info must be read again (an update or reboot may have changed it); the old one still names the encoder. */
  infoStale = false;
  /** Until when a reboot may keep the encoder away; null when none is under way. */
  rebootingUntil: number | null = null;
  /** The zone of the encoder's clock, read once per session and kept current by every get-settings read. */
  private zone: string | null = null;
  lastSeenAt: Date | null = null;
  /** The last read failed; the next one starts with a ping. */
  failing = false;
  /** Logins made so far; tests read it. */
  logins = 0;

  constructor(opts: EncoderOptions) {
    this.baseUrl = opts.baseUrl;
    const u = new URL(opts.baseUrl);
    this.downloadUrl = opts.downloadUrl ?? `${u.protocol}//${u.hostname}:8080`;
    this.username = opts.username;
    this.passHash = createHash('md5').update(opts.password).digest('hex');
    this.http = new HttpClient({
      sourceId: opts.sourceId,
      vendor: 'MAGEWELL',
      timeoutMs: opts.timeoutMs,
      secrets: [opts.password, this.passHash].filter((s) => s.length >= 4),
      ...opts.http,
    });
  }

  /** host:port, for messages: it names the encoder without any secret. */
  get label(): string {
    return new URL(this.baseUrl).host;
  }

  private url(method: string, params: Params = {}): string {
    const q = new URLSearchParams({ method, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
    return `${this.baseUrl}/usapi?${q}`;
  }

  private resultError(method: string, result: number): UpstreamError {
    const name = resultName(result);
    return this.http.error(`encoder ${this.label}: ${method} answered ${name}`, { code: name, retryable: isRetryableResult(result) });
  }

  /** Reachability without logging in. `retry: false` where no answer is expected news (a reboot). */
  async ping(opts: { retry?: boolean } = {}): Promise<UsapiReply<{ 'cur-status'?: number }>> {
    const res = await this.http.json<UsapiReply<{ 'cur-status'?: number }>>({ method: 'GET', url: this.url('ping'), endpoint: 'GET ping', retry: opts.retry });
    return res.body;
  }

  private async login(): Promise<string> {
    this.logins += 1;
    // A new session may follow a reboot or a change of the clock: read its zone again.
    this.zone = null;
    const res = await this.http.json<UsapiReply<object>>({
      method: 'GET',
      url: this.url('login', { id: this.username, pass: this.passHash }),
      endpoint: 'GET login',
      retry: false,
    });
    const result = res.body?.result;
    if (result === RESULT.loginRefused || result === RESULT.errPasswd) {
      throw this.http.error(`encoder ${this.label}: login refused: wrong username or password`, { code: 'errPasswd' });
    }
    if (result !== RESULT.succeed) throw this.resultError('login', result ?? NaN);
    const cookies = res.headers['set-cookie'];
    const sid = (Array.isArray(cookies) ? cookies : [cookies ?? ''])
      .map((c) => c.match(/(?:^|;\s*)sid=([^;]+)/)?.[1])
      .find(Boolean);
    if (!sid) throw this.http.error(`encoder ${this.label}: login gave no session`, { code: 'MALFORMED_RESPONSE' });
    learnSecret(sid);
    return sid;
  }

  /** The current session, or a new one; concurrent callers share one login. */
  private async session(stale: string | null = null): Promise<string> {
    if (this.sid && this.sid !== stale) return this.sid;
    this.loggingIn ??= this.login().then(
      (sid) => {
        this.sid = sid;
        this.loggingIn = null;
        return sid;
      },
      (e) => {
        this.loggingIn = null;
        throw e;
      },
    );
    return this.loggingIn;
  }

  /**
   * A usapi call in the session. Reads are retried by the HTTP layer; commands (`command: true`) never are.
   * A non-zero result is an UpstreamError named as the document names it.
   */
  async call<T extends object>(method: string, params: Params = {}, opts: { command?: boolean; body?: unknown } = {}): Promise<UsapiReply<T>> {
    let sid = await this.session();
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.json<UsapiReply<T>>({
        method: opts.body === undefined ? 'GET' : 'POST',
        url: this.url(method, params),
        endpoint: `${opts.body === undefined ? 'GET' : 'POST'} ${method}`,
        headers: { cookie: `sid=${sid}`, ...(opts.body !== undefined ? { 'content-type': 'application/json;charset=UTF-8' } : {}) },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        retry: !opts.command && opts.body === undefined,
      });
      const body = res.body;
      if (!body || typeof body.result !== 'number') throw this.http.error(`encoder ${this.label}: ${method}: reply has no result`, { code: 'MALFORMED_RESPONSE' });
      if (needsLogin(body.result) && attempt === 0) {
        sid = await this.session(sid);
        continue;
      }
      if (body.result !== RESULT.succeed) throw this.resultError(method, body.result);
      this.lastSeenAt = new Date();
      return body;
    }
  }

  async getInfo(refresh = false): Promise<WireInfo> {
    if (!this.info || refresh || this.infoStale) {
      this.info = await this.call<WireInfo>('get-info');
      this.infoStale = false;
    }
    return this.info;
  }

  /** Keeps the clock's zone from a get-settings the caller read anyway. */
  noteSettings(settings: WireSettings): string {
    this.zone = timeZoneOf(settings);
    return this.zone;
  }

  /** The zone every encoder-local time (file create-time, cur-time) is in. */
  async timeZone(): Promise<string> {
    return this.zone ?? this.noteSettings(await this.call<WireSettings>('get-settings'));
  }

  /** A file from the device (snapshot) or its download server, with the session cookie; the device named the path. */
  async fetch(kind: 'snapshot' | 'download', path: string, range?: string): Promise<UpstreamResponse<Readable>> {
    const safe = filePath(path, 'path');
    const sid = await this.session();
    const url = kind === 'snapshot' ? this.baseUrl + safe : `${this.downloadUrl}/download${safe}`;
    return this.http.stream({
      method: 'GET',
      url,
      endpoint: kind === 'snapshot' ? 'GET snapshot' : 'GET download',
      headers: { cookie: `sid=${sid}`, ...(range ? { range } : {}) },
      acceptStatus: [206, 404],
    });
  }

  /** Logs out (the device lets only two apps hold it) and closes the pool. */
  async close(): Promise<void> {
    const sid = this.sid;
    this.sid = null;
    if (sid) {
      await this.http
        .json({ method: 'GET', url: this.url('logout'), endpoint: 'GET logout', headers: { cookie: `sid=${sid}` }, retry: false })
        .catch(() => undefined);
    }
    await this.http.close();
  }
}
