import { createHash, timingSafeEqual } from 'node:crypto';
import { SCOPES, type Scope } from './config.js';

export interface Caller {
  name: string;
  scopes: ReadonlySet<Scope>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** API keys and their scopes. With no keys and `open`, every caller gets every scope. */
export class Access {
  private readonly keys: { name: string; digest: Buffer; scopes: ReadonlySet<Scope> }[];

  constructor(
    apiKeys: { name: string; key: string; scopes: Scope[] }[],
    readonly open: boolean,
  ) {
    this.keys = apiKeys.map((k) => ({ name: k.name, digest: digest(k.key), scopes: new Set(k.scopes) }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The caller a presented key belongs to, or null for a missing or wrong key. */
  authenticate(key: string | undefined | null): Caller | null {
    if (!this.enabled && this.open) return { name: 'anonymous', scopes: new Set(SCOPES) };
    if (!key) return null;
    const d = digest(key);
    const match = this.keys.find((k) => timingSafeEqual(k.digest, d));
    return match ? { name: match.name, scopes: match.scopes } : null;
  }
}

/** `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function keyFromHeaders(get: (name: string) => string | null | undefined): string | null {
  const auth = get('authorization');
  if (auth) {
    const m = auth.match(/^Bearer\s+(.+)$/i);
    if (m) return m[1]!.trim();
  }
  return get('x-api-key') ?? null;
}

/** graphql-ws connectionParams: { Authorization: "Bearer <key>" } or { "x-api-key": "<key>" }, any case. */
export function keyFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!params) return null;
  const lower = new Map(Object.entries(params).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : undefined]));
  return keyFromHeaders((n) => lower.get(n));
}
