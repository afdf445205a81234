import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Source } from '../sources/source.js';
import { rewritePlaylist, siblingUri } from './hls.js';
import type { MediaSigner } from './signer.js';

const PASS_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'last-modified', 'etag'];

/**
 * GET /media/...: checks the signature before anything else (no upstream call for a bad one), then streams
 * the upstream body fetched with the source's own credentials.
 */
export function createMediaHandler(deps: { signer: MediaSigner; sources: Map<string, Source>; log: Logger }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://avgraph');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed');
    const verdict = deps.signer.verify(url.pathname, url.searchParams);
    if (!verdict.ok) return text(res, 403, verdict.reason);
    const source = deps.sources.get(verdict.media.sourceId);
    if (!source) return text(res, 404, 'unknown source');
    try {
      const upstream = await source.fetchMedia(verdict.media.ref, { range: req.headers.range });
      if ('playlist' in upstream) {
        const sourceId = source.id;
        const body = rewritePlaylist(upstream.playlist, (uri) => {
          const ref = upstream.refFor(uri);
          // relative: a child lives next to its playlist, under whichever origin the player used
          return ref === null ? null : siblingUri(deps.signer.url({ sourceId, ref }));
        });
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'no-cache' });
        return void res.end(req.method === 'HEAD' ? undefined : body);
      }
      if (upstream.status === 404) {
        upstream.body.resume();
        return text(res, 404, 'not found upstream');
      }
      const headers: Record<string, string> = { 'cache-control': 'private, max-age=60' };
      for (const h of PASS_HEADERS) {
        const v = upstream.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      res.writeHead(upstream.status, headers);
      if (req.method === 'HEAD') {
        upstream.body.destroy();
        return void res.end();
      }
      await pipeline(upstream.body, res);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      const message = e instanceof UpstreamError ? e.message : 'media fetch failed';
      deps.log.warn({ source: source.id, err: message }, 'media fetch failed');
      text(res, e instanceof UpstreamError ? 502 : 400, message);
    }
  };
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}
