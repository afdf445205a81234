/**
 * avgraph signs /media URLs with its configured public URL (http://localhost:PORT by default), which a screen on
 * another machine cannot reach and the page's CSP (img-src 'self') refuses. The page came from avgraph itself, so
 * it asks its own origin for the same path.
 */
export function mediaUrl(url: string): string;
export function mediaUrl(url: string | null | undefined): string | null;
export function mediaUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, location.href);
    return u.pathname.startsWith('/media/') ? `${u.pathname}${u.search}${u.hash}` : url;
  } catch {
    return url;
  }
}
