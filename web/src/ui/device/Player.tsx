import { useEffect, useRef, useState } from 'preact/hooks';

export interface PlayItem {
  /** signed avgraph /media playlist */
  url: string;
  title: string;
  live: boolean;
}

/**
 * Plays an HLS playlist with hls.js (loaded on first use, so the fleet page does not carry it); every playlist and
 * segment URL is avgraph's signed /media, rewritten by the server. Safari-style native HLS where MSE is missing.
 */
export function Player({ item, onClose }: { item: PlayItem; onClose(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('loading…');

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let hls: { destroy(): void } | null = null;
    let gone = false;
    setError(null);
    setStatus('loading…');
    void import('hls.js/light').then(
      ({ default: Hls }) => {
        if (gone) return;
        if (Hls.isSupported()) {
          const h = new Hls({ enableWorker: true, lowLatencyMode: item.live });
          hls = h;
          h.on(Hls.Events.MANIFEST_PARSED, () => {
            setStatus(item.live ? 'live' : 'playing');
            el.play().catch(() => setStatus('press play'));
          });
          h.on(Hls.Events.ERROR, (_e, data) => {
            // stop fetching but stay attached: the frame stays on screen until the player is closed
            if (data.fatal) {
              setError(`playback failed: the stream could not be played (${data.details})`);
              h.stopLoad();
            }
          });
          h.loadSource(item.url);
          h.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = item.url;
          el.play().catch(() => setStatus('press play'));
        } else {
          setError('this browser cannot play HLS');
        }
      },
      () => !gone && setError('the player could not be loaded'),
    );
    return () => {
      gone = true;
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
