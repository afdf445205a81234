import { cardControls } from '../../api/controls.ts';
import type { Card, RecordingRow } from '../../state/types.ts';
import { ControlRow } from '../Controls.tsx';
import { ago, label } from '../format.ts';
import { Badges, SignalLine, StorageLines, StreamsLine, Thumbnail } from '../device-bits.tsx';

export function deviceHref(id: string): string {
  return `#/device/${encodeURIComponent(id)}`;
}

/** An event this recent makes the card stand out. */
const FRESH_MS = 60_000;

export function DeviceCard({ device: d, scopes, lastEvent }: { device: Card; scopes: ReadonlySet<string>; lastEvent?: RecordingRow }) {
  const fresh = lastEvent && Date.now() - new Date(lastEvent.startedAt).getTime() < FRESH_MS;
  return (
    <article
      class={`card conn-${(d.connection ?? 'UNKNOWN').toLowerCase()}${d.isRecording ? ' is-recording' : ''}${fresh ? ' fresh-event' : ''}`}
      data-testid="device-card"
      data-device-id={d.id}
      data-connection={d.connection ?? 'UNKNOWN'}
      data-recording={String(d.isRecording === true)}
      data-streaming={String(d.isStreaming === true)}
    >
      <a class="thumb-link" href={deviceHref(d.id)} tabIndex={-1} aria-hidden="true">
        <Thumbnail device={d} />
      </a>
      <div class="card-body">
        <header class="card-head">
          <h3 data-testid="device-name" title={d.name}>
            {d.name || '(unnamed)'}
          </h3>
          <a class="open" data-testid="open-device" href={deviceHref(d.id)} title={`Open ${d.name}`}>
            Open ›
          </a>
        </header>
        <p class="muted small">
          {[d.model, label(d.kind)].filter(Boolean).join(' · ')} · seen {ago(d.observedAt)}
        </p>
        <Badges device={d} />
        {lastEvent && (
          <p class="last-event small" data-testid="last-event">
            {label(lastEvent.trigger)} event {ago(lastEvent.startedAt)}
          </p>
        )}
        <dl class="facts">
          <SignalLine signal={d.signal} />
          <StorageLines storage={d.storage ?? []} />
          <StreamsLine streams={d.streams ?? []} />
        </dl>
        <ControlRow specs={cardControls} device={d} scopes={scopes} />
      </div>
    </article>
  );
}
