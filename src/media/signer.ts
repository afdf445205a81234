import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MediaRef } from '../model.js';

/**
 * Signs MediaRefs into short-lived avgraph URLs: /media/<sourceId>/<ref, base64url>?exp=<unix s>&sig=<hmac>.
 * The ref names what to fetch; credentials are added server-side when the route fetches it.
 */
export class MediaSigner {
  private readonly key: Buffer;

  constructor(
    /** Read at signing time: the public URL is known only once the server listens. */
    private readonly publicUrl: () => string,
    secret: string | undefined,
    private readonly ttlSeconds = 600,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  private mac(sourceId: string, ref: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${sourceId}\n${ref}\n${exp}`).digest('base64url');
  }

  url(media: MediaRef): string {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const ref = Buffer.from(media.ref, 'utf8').toString('base64url');
    return `${this.publicUrl()}/media/${encodeURIComponent(media.sourceId)}/${ref}?exp=${exp}&sig=${this.mac(media.sourceId, media.ref, exp)}`;
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
