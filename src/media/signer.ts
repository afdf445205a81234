import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MediaRef } from '../model.js';

/** Expiries are rounded up to this many seconds, so URLs repeat (and are signed once) within a window. */
export const EXP_WINDOW_S = 60;

/**
 * Signs MediaRefs into short-lived avgraph URLs: /media/<sourceId>/<ref, base64url>?exp=<unix s>&sig=<hmac>.
 * The ref names what to fetch; credentials are added server-side when the route fetches it.
 */
export class MediaSigner {
  private readonly key: Buffer;
  /**
   * The URLs signed for the current expiry and public URL, by source, then ref: keys the store already holds,
   * so a lookup builds no string. A new window starts empty, as does a full cache: O(1), where evicting one by
   * one from a Map's front is not.
   */
  private signed = this.window(0, '');

  constructor(
    /** Read at signing time: the public URL is known only once the server listens. */
    private readonly publicUrl: () => string,
    secret: string | undefined,
    private readonly ttlSeconds = 600,
    private readonly now: () => number = Date.now,
    /** Signed URLs kept per window; when full, the cache starts over. */
    private readonly maxCached = 20_000,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  private mac(sourceId: string, ref: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${sourceId}\n${ref}\n${exp}`).digest('base64url');
  }

  /**
   * The expiry is rounded up to the next EXP_WINDOW_S, so a URL lives between ttl and ttl + EXP_WINDOW_S and
   * every request within a window gets the same URL: signed once (an HMAC), then answered from memory.
   */
  url(media: MediaRef): string {
    const exp = Math.ceil((this.now() / 1000 + this.ttlSeconds) / EXP_WINDOW_S) * EXP_WINDOW_S;
    const base = this.publicUrl();
    let w = this.signed;
    if (w.exp !== exp || w.base !== base) w = this.signed = this.window(exp, base);
    let refs = w.bySource.get(media.sourceId);
    let url = refs?.get(media.ref);
    if (url === undefined) {
      const ref = Buffer.from(media.ref, 'utf8').toString('base64url');
      url = `${base}/media/${encodeURIComponent(media.sourceId)}/${ref}?exp=${exp}&sig=${this.mac(media.sourceId, media.ref, exp)}`;
      if (w.size >= this.maxCached) w = this.signed = this.window(exp, base);
      refs = w.bySource.get(media.sourceId);
      if (!refs) w.bySource.set(media.sourceId, (refs = new Map()));
      refs.set(media.ref, url);
      w.size += 1;
    }
    return url;
  }

  private window(exp: number, base: string) {
    return { exp, base, size: 0, bySource: new Map<string, Map<string, string>>() };
  }

  /** The MediaRef a request path names, or why it is refused. */
  verify(pathname: string, search: URLSearchParams): { ok: true; media: MediaRef } | { ok: false; reason: string } {
    const m = pathname.match(/^\/media\/([^/]+)\/([A-Za-z0-9_-]+)$/);
    if (!m) return { ok: false, reason: 'malformed media URL' };
    const exp = Number(search.get('exp'));
    const sig = search.get('sig') ?? '';
    if (!Number.isInteger(exp)) return { ok: false, reason: 'malformed media URL' };
    const sourceId = decodeURIComponent(m[1]!);
    const ref = Buffer.from(m[2]!, 'base64url').toString('utf8');
    const want = Buffer.from(this.mac(sourceId, ref, exp));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad signature' };
    if (exp * 1000 < this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, media: { sourceId, ref } };
  }
}
