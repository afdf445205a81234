import { disabledReason, startStream } from '../../api/controls.ts';
import { request } from '../../api/http.ts';
import { DashboardDevicePageDocument } from '../../generated/graphql.ts';
import { store } from '../../state/store.ts';
import type { Card, StreamInfo } from '../../state/types.ts';
import { ControlError, useControl } from '../ControlError.tsx';
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

/** A fresh signed playlist for the stream: the device read again (it also refreshes the store's copy). */
async function renewStream(deviceId: string, streamId: string): Promise<string | null> {
  const r = await request(DashboardDevicePageDocument, { id: deviceId });
  if (r.device) store.upsertDevice(r.device);
  return r.device?.streams.find((s) => s.id === streamId)?.url ?? null;
}

function PlayLive({ device, stream, scopes, onPlay }: { device: Card; stream: StreamInfo; scopes: ReadonlySet<string>; onPlay(item: PlayItem): void }) {
  // an idle camera streams only once asked to; a read-only key can still watch a stream that is already live
  const cannotStart = disabledReason({ capability: startStream.capability }, device, scopes);
  const canStart = cannotStart === null;
  const why = stream.state === 'LIVE' || canStart ? null : `the stream is idle and cannot be started here: ${cannotStart}`;
  const { busy, error, fire } = useControl(async () => {
    const failed = stream.state !== 'LIVE' ? await startStream.run(device) : null;
    if (failed) return failed;
    if (!stream.url) return { type: 'NoPlaylist', message: 'the stream has no playlist URL' };
    onPlay({
      url: stream.url,
      title: `${device.name} live`,
      live: true,
      renew: () => renewStream(device.id, stream.id),
      // the camera holds a live view for a while only: asking again keeps it up while someone watches
      keepAlive: canStart ? () => startStream.run(device).then(() => undefined) : undefined,
    });
    return null;
  });
  return (
    <span class="ctl">
      <button type="button" class="btn primary" data-testid="play-live" disabled={busy || why !== null} aria-busy={busy} title={why ?? 'watch the live view'} onClick={fire}>
        ▶ Watch live
      </button>
      <ControlError error={error} control="play-live" />
    </span>
  );
}
