import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { mediaUrl } from '../api/media.ts';
import type { Card } from '../state/types.ts';
import { ago, bytes, duration, label } from './format.ts';

/** Connection, recording, streaming and whatever else the device is going through. */
export function Badges({ device: d }: { device: Card }) {
  const conn = d.connection ?? 'UNKNOWN';
  return (
    <div class="badges">
      <span class={`badge conn ${conn.toLowerCase()}`} data-testid="badge-connection">
        {conn === 'ONLINE' ? '● online' : conn === 'OFFLINE' ? '○ offline' : '? unknown'}
      </span>
      {d.isRecording === true && (
        <span class="badge rec" data-testid="badge-recording">
          ● REC
        </span>
      )}
      {d.isStreaming === true && (
        <span class="badge live" data-testid="badge-streaming">
          ▶ LIVE
        </span>
      )}
      {(d.states ?? []).map((s) => (
        <span key={s} class="badge state">
          {label(s)}
        </span>
      ))}
    </div>
  );
}

/**
 * The latest snapshot through its signed /media URL, asked of the page's own origin. A fleet read brings a newly
 * signed URL for the same picture every few minutes: the one already shown stays (no reload) until the picture
 * changes or it fails to load again (expired), and only then the newest URL is used. A placeholder when there is
 * none or it fails to load.
 */
export function Thumbnail({ device: d }: { device: Card }) {
  const snap = d.latestSnapshot;
  const shown = useRef<{ id: string; url: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [, redraw] = useState(0);
  if (!snap?.url) return <div class="thumb empty">no picture</div>;
  const src = shown.current?.id === snap.id ? shown.current.url : mediaUrl(snap.url);
  return (
    <div class={`thumb${failed === src ? ' broken' : ''}`}>
      <img
        data-testid="thumbnail"
        src={src}
        alt={`latest picture of ${d.name}`}
        loading="lazy"
        decoding="async"
        onError={() => {
          if (shown.current && src !== mediaUrl(snap.url)) {
            shown.current = null;
            redraw((n) => n + 1);
          } else setFailed(src);
        }}
        onLoad={() => {
          shown.current = { id: snap.id, url: src };
          setFailed(null);
        }}
      />
      {snap.takenAt && <span class="thumb-time">{ago(snap.takenAt)}</span>}
    </div>
  );
}

export function SignalLine({ signal }: { signal: Card['signal'] }) {
  if (!signal) return null;
  const fmt = signal.width && signal.height ? `${signal.width}×${signal.height}${signal.interlaced ? 'i' : 'p'}` : '';
  const fps = signal.frameRate ? ` @ ${Math.round(signal.frameRate * 100) / 100}` : '';
  return (
    <>
      <dt>Input</dt>
      <dd class={signal.present ? 'ok' : 'bad'} data-testid="signal">
        {signal.present ? `${fmt}${fps}` || 'signal' : 'no signal'}
      </dd>
    </>
  );
}

export function StorageLines({ storage }: { storage: Card['storage'] }) {
  return (
    <>
      {storage.map((v, i) => {
        if (v.kind === 'UPLOAD_QUEUE') {
          return (
            <Fragment key={i}>
              <dt>Upload</dt>
              <dd data-testid="upload-queue">
                {duration(v.queuedSeconds)} queued · {v.uploadEnabled === false ? 'paused' : 'on'}
              </dd>
            </Fragment>
          );
        }
        const total = v.totalBytes ?? 0;
        const used = v.usedBytes ?? (total && v.freeBytes !== null ? total - (v.freeBytes ?? 0) : null);
        const pct = total && used !== null ? Math.min(100, Math.max(0, (used / total) * 100)) : null;
        return (
          <Fragment key={i}>
            <dt>{v.kind}</dt>
            <dd data-testid="storage" class={v.status && v.status !== 'READY' ? 'warn' : ''}>
              {pct !== null && (
                <span class="meter" aria-hidden="true">
                  <span style={{ width: `${pct}%` }} />
                </span>
              )}
              {bytes(v.freeBytes)} free{v.status && v.status !== 'READY' ? ` · ${label(v.status)}` : ''}
              {v.status === 'FORMATTING' && v.progressPercent !== null ? ` ${v.progressPercent}%` : ''}
            </dd>
          </Fragment>
        );
      })}
    </>
  );
}

export function StreamsLine({ streams }: { streams: Card['streams'] }) {
  if (!streams.length) return null;
  return (
    <>
      <dt>Streams</dt>
      <dd>
        {streams.map((s) => (
          <span key={s.id} class={`stream-pill ${(s.state ?? '').toLowerCase()}`}>
            {s.protocol} {label(s.direction)} · {label(s.state)}
            {s.health?.throughputRatio !== null && s.health?.throughputRatio !== undefined && s.health.throughputRatio < 1 ? ' · low bandwidth' : ''}
          </span>
        ))}
      </dd>
    </>
  );
}
