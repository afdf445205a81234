import workerPath from 'hls.js/dist/hls.worker.js?url';
import { useEffect, useRef, useState } from 'preact/hooks';
import { mediaUrl } from '../../api/media.ts';

export interface PlayItem {
  /** signed avgraph /media playlist */
  url: string;
  title: string;
  live: boolean;
  /** a freshly signed playlist URL for the same thing (signed URLs live about ten minutes), or null when gone */
  renew(): Promise<string | null>;
  /** for live: asks the camera to keep streaming (a Videoloft live view is held for a while only) */
  keepAlive?(): Promise<void>;
}

/** Well inside Videoloft's 10-minute live hold. */
const KEEP_ALIVE_MS = 4 * 60_000;
/** Renewals in a row that did not get playback going again before the player gives up. */
const MAX_RENEWALS = 3;

/**
 * Plays an HLS playlist with hls.js (loaded on first use, so the fleet page does not carry it; its transmuxer runs
 * in a worker served by avgraph). Every playlist and segment URL is avgraph's signed /media, which expires: on a
 * network failure the player asks for a fresh playlist and carries on where it was; a media error is recovered
 * in place. Safari-style native HLS where MSE is missing.
 */
export function Player({ item, onClose }: { item: PlayItem; onClose(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('loading…');
  // the latest item without restarting playback when only its callbacks change
  const current = useRef(item);
  current.current = item;

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let hls: { destroy(): void } | null = null;
    let gone = false;
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    setError(null);
    setStatus('loading…');
    // stop fetching but stay attached: the frame stays on screen until the player is closed
    const fail = (h: { stopLoad(): void }, why: string) => {
      setError(`playback failed: ${why}`);
      h.stopLoad();
    };
    if (item.live && item.keepAlive) keepAlive = setInterval(() => void current.current.keepAlive?.().catch(() => undefined), KEEP_ALIVE_MS);
    void import('hls.js/light').then(
      ({ default: Hls }) => {
        if (gone) return;
        const src = mediaUrl(item.url);
        if (Hls.isSupported()) {
          const h = new Hls({ enableWorker: true, workerPath, lowLatencyMode: item.live });
          hls = h;
          let renewals = 0;
          let resumeAt: number | null = null;
          h.on(Hls.Events.MANIFEST_PARSED, () => {
            setStatus(item.live ? 'live' : 'playing');
            if (resumeAt !== null && !item.live) el.currentTime = resumeAt;
            resumeAt = null;
            el.play().catch(() => setStatus('press play'));
          });
          h.on(Hls.Events.FRAG_BUFFERED, () => {
            renewals = 0;
          });
          h.on(Hls.Events.ERROR, (_e, data) => {
            if (!data.fatal || gone) return;
            if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
              h.recoverMediaError();
              return;
            }
            if (data.type === Hls.ErrorTypes.NETWORK_ERROR && renewals < MAX_RENEWALS) {
              renewals++;
              setStatus('renewing the playlist…');
              resumeAt = el.currentTime;
              current.current.renew().then(
                (url) => {
                  if (gone) return;
                  if (!url) return fail(h, 'the recording or stream is gone');
                  h.loadSource(mediaUrl(url));
                },
                () => !gone && fail(h, 'a fresh playlist could not be read'),
              );
              return;
            }
            fail(h, `the stream could not be played (${data.details})`);
          });
          h.loadSource(src);
          h.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = src;
          el.play().catch(() => setStatus('press play'));
        } else {
          setError('this browser cannot play HLS');
        }
      },
      () => !gone && setError('the player could not be loaded'),
    );
    return () => {
      gone = true;
      clearInterval(keepAlive);
      hls?.destroy();
      el.removeAttribute('src');
    };
  }, [item.url, item.live]);

  return (
    <div class="player">
      <div class="player-head">
        <strong>{item.title}</strong>
        <span class={`badge ${item.live ? 'live' : ''}`}>{item.live ? '▶ LIVE' : 'recorded'}</span>
        <span class="muted small">{error ? '' : status}</span>
        <span class="spacer" />
        <button type="button" class="btn small" data-testid="player-close" onClick={onClose}>
          Close
        </button>
      </div>
      <video data-testid="player" ref={video} controls muted playsInline />
      {error && (
        <p class="control-error" role="alert" data-testid="player-error">
          {error}
        </p>
      )}
    </div>
  );
}
