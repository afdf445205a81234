/**
 * Rewrites every URI of an HLS playlist (media segment and child-playlist lines, and URI="..." attributes of
 * tags such as #EXT-X-KEY and #EXT-X-MAP) through `toUrl`; a null drops the line.
 */
export function rewritePlaylist(text: string, toUrl: (uri: string) => string | null): string {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      out.push('');
    } else if (line.startsWith('#')) {
      let dropped = false;
      const rewritten = line.replace(/URI="([^"]*)"/g, (_m, uri: string) => {
        const url = toUrl(uri);
        if (url === null) dropped = true;
        return `URI="${url ?? ''}"`;
      });
      if (!dropped) out.push(rewritten);
    } else {
      const url = toUrl(line);
      if (url !== null) out.push(url);
    }
  }
  return out.join('\n');
}

/**
 * A signed /media URL as a URI relative to a playlist of the same source (/media/<source>/<ref>): its last path
 * segment and its query. A player resolves it against the playlist's own URL, so playback works from whatever
 * host name reached avgraph (a wall screen's), not only from publicUrl's.
 */
export function siblingUri(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname.slice(pathname.lastIndexOf('/') + 1) + search;
}
