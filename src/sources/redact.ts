import { learnedSecrets } from '../secrets.js';

const MASK = '***';

/**
 * Every occurrence of many secrets (and their URL-encoded forms) found in one left-to-right pass. A position
 * is looked at further only when some secret starts with its four characters (one set lookup); then the
 * text there is looked up once per distinct secret length, longest first. Secrets sharing a prefix (tokens
 * of one issuer) cost no more than others. Patterns under four characters (configured ones may be) are
 * replaced the plain way.
 */
class SecretMatcher {
  private readonly patterns = new Set<string>();
  private readonly prefixes = new Set<number>();
  /** Distinct pattern lengths, longest first: a secret that contains another is masked whole. */
  private readonly lengths: number[];
  private readonly short: string[] = [];

  constructor(secrets: readonly string[]) {
    for (const s of secrets) {
      if (!s) continue;
      for (const p of [s, urlEncoded(s)]) {
        if (p === null) continue;
        if (p.length < 4) this.short.push(p);
        else {
          this.patterns.add(p);
          this.prefixes.add(prefixKey(p, 0));
        }
      }
    }
    this.lengths = [...new Set([...this.patterns].map((p) => p.length))].sort((a, b) => b - a);
  }

  replace(text: string): string {
    let out = '';
    let last = 0;
    for (let i = 0; i + 4 <= text.length; ) {
      const hit = this.prefixes.has(prefixKey(text, i)) ? this.lengths.find((n) => i + n <= text.length && this.patterns.has(text.slice(i, i + n))) : undefined;
      if (hit) {
        out += text.slice(last, i) + MASK;
        i += hit;
        last = i;
      } else i++;
    }
    let result = last === 0 ? text : out + text.slice(last);
    for (const s of this.short) result = result.split(s).join(MASK);
    return result;
  }
}

/** The URL-encoded form, or null for text that has none (a lone surrogate). */
function urlEncoded(s: string): string | null {
  try {
    return encodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Four UTF-16 units folded into a small integer (exact for ASCII; a collision only costs a lookup). */
function prefixKey(s: string, i: number): number {
  return ((s.charCodeAt(i) << 21) ^ (s.charCodeAt(i + 1) << 14) ^ (s.charCodeAt(i + 2) << 7) ^ s.charCodeAt(i + 3)) & 0x3fffffff;
}

/**
 * Compiled matchers of the last few secret lists. Callers hand a fresh array each time (the logger's list is
 * rebuilt per line), so lists are compared by content; a list that changed compiles a new matcher.
 */
const cache: { secrets: readonly string[]; matcher: SecretMatcher }[] = [];
const CACHED_LISTS = 8;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function matcherFor(secrets: readonly string[]): SecretMatcher {
  const at = cache.findIndex((c) => sameList(c.secrets, secrets));
  const entry = at >= 0 ? cache.splice(at, 1)[0]! : { secrets: [...secrets], matcher: new SecretMatcher(secrets) };
  cache.unshift(entry);
  if (cache.length > CACHED_LISTS) cache.pop();
  return entry.matcher;
}

/**
 * Query parameters that carry credentials, by how their name ends (api_key, apiKey, api_id, userToken,
 * access_token, pass, client_secret, sig ...), also URL-encoded inside another URL: the value becomes "***".
 */
const CREDENTIAL_PARAM =
  /((?:^|[?&;\s"'(,]|%3F|%26)[\w.-]*?(?:api[_-]?key|api[_-]?id|key|token|auth|authorization|password|passwd|pass|pwd|secret|sig|signature)(?:=|%3D))(?:(?!%26)[^&\s"'#;<>,)\\])+/gi;
/** user:password@ (or user@) in a URL. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>\\]+@/gi;

/** Credential shapes no secret list knows: URL userinfo and credential-named query parameters. */
export function scrubCredentials(text: string): string {
  let out = text;
  if (out.includes('://')) out = out.replace(USERINFO, `$1${MASK}@`);
  if (out.includes('=') || /%3D/i.test(out)) out = out.replace(CREDENTIAL_PARAM, `$1${MASK}`);
  return out;
}

/** Replaces every secret (and its URL-encoded form) with "***", then any credential shape left. */
export function redact(text: string, secrets: readonly string[]): string {
  return scrubCredentials(secrets.length ? matcherFor(secrets).replace(text) : text);
}

const MAX_VENDOR_TEXT = 300;

/**
 * Text a vendor wrote (an error message, a reason) made fit to pass on to a client: scrubbed of this source's
 * secrets, learned secrets and credential shapes (a vendor may echo the request URL), then bounded.
 */
export function vendorText(text: string, secrets: readonly string[]): string {
  const all = [...secrets, ...learnedSecrets()];
  // cut first (keeping room for a secret that straddles the cut), so a huge reply costs no more than a short one
  const longest = all.reduce((n, s) => Math.max(n, s.length), 0);
  const clean = redact(text.slice(0, MAX_VENDOR_TEXT + longest), all);
  return clean.length > MAX_VENDOR_TEXT || text.length > MAX_VENDOR_TEXT + longest ? `${clean.slice(0, MAX_VENDOR_TEXT)}…` : clean;
}
