import { useState } from 'preact/hooks';
import { startStream, type ControlFailure } from '../../api/controls.ts';
import { disabledReason } from '../../api/controls.ts';
import type { Card, StreamInfo } from '../../state/types.ts';
import { ago, label } from '../format.ts';
import type { PlayItem } from './Player.tsx';
import { RtmpPush } from './RtmpPush.tsx';

const isPlayable = (s: StreamInfo) => s.protocol === 'HLS' && s.direction === 'PLAYBACK';

/** The device's streams; an HLS playback stream (Videoloft live) plays here, started first when it is idle. */
export function Streams({ device: d, scopes, onPlay }: { device: Card; scopes: ReadonlySet<string>; onPlay(item: PlayItem): void }) {
  const streams = d.streams ?? [];
  return (
    <section class="panel" data-testid="streams" aria-label="streams">
      <h2>Streams</h2>
      {streams.length === 0 && <p class="muted">No streams.</p>}
      <ul class="plain">
        {streams.map((s) => (
          <li key={s.id} data-testid="stream" data-stream-id={s.id}>
            <span class={`stream-pill ${(s.state ?? '').toLowerCase()}`}>
              {s.protocol} {label(s.direction)} · {label(s.state)}
            </span>
            <div class="muted small">
              {s.startedAt ? `since ${ago(s.startedAt)}` : ''}
              {s.bitrateKbps ? ` · ${Math.round(s.bitrateKbps)} kbps` : ''}
              {s.health?.throughputRatio !== null && s.health?.throughputRatio !== undefined ? ` · throughput ${Math.round(s.health.throughputRatio * 100)}%` : ''}
              {s.direction === 'PUSH' && s.url ? ` · ${s.url}` : ''}
            </div>
            {isPlayable(s) && <PlayLive device={d} stream={s} scopes={scopes} onPlay={onPlay} />}
          </li>
        ))}
      </ul>
      {(d.capabilities ?? []).includes('RTMP_PUSH') && <RtmpPush device={d} scopes={scopes} />}
    </section>
  );
}

function PlayLive({ device, stream, scopes, onPlay }: { device: Card; stream: StreamInfo; scopes: ReadonlySet<string>; onPlay(item: PlayItem): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ControlFailure | null>(null);
  // an idle camera streams only once asked to; a read-only key can still watch a stream that is already live
  const mustStart = stream.state !== 'LIVE' && disabledReason(startStream, device, scopes) === null;
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      const failed = mustStart ? await startStream.run(device) : null;
      if (failed) return setError(failed);
      if (!stream.url) return setError({ type: 'NoPlaylist', message: 'the stream has no playlist URL' });
      onPlay({ url: stream.url, title: `${device.name} live`, live: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="ctl">
      <button type="button" class="btn primary" data-testid="play-live" disabled={busy} aria-busy={busy} onClick={click}>
        ▶ Watch live
      </button>
      {error && (
        <span class="control-error" role="alert" data-testid="control-error" data-error-type={error.type}>
          <b>{error.type}</b> {error.message}
        </span>
      )}
    </span>
  );
}
