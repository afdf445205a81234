import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DashboardDevicePageDocument, type DashboardDevicePageQuery } from '../../generated/graphql.ts';
import { cardControls, ptzControls, triggerEvent } from '../../api/controls.ts';
import { request } from '../../api/http.ts';
import { mediaUrl } from '../../api/media.ts';
import type { FleetState } from '../../state/store.ts';
import { store } from '../../state/store.ts';
import type { Card } from '../../state/types.ts';
import { useNow } from '../clock.ts';
import { ControlButton, ControlRow } from '../Controls.tsx';
import { Badges, SignalLine, StorageLines, Thumbnail } from '../device-bits.tsx';
import { ago, label, time, vendorName } from '../format.ts';
import { Player, type PlayItem } from './Player.tsx';
import { Recordings } from './Recordings.tsx';
import { SnapshotArchive } from './SnapshotArchive.tsx';
import { Streams } from './Streams.tsx';

type Detail = NonNullable<DashboardDevicePageQuery['device']>;

/** The page's signed URLs (live picture, settings...) live about ten minutes: it is read again before that. */
const REFRESH_MS = 8 * 60_000;

export function DevicePage({ id, fleet }: { id: string; fleet: FleetState }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'missing' | 'error'>('loading');
  const [error, setError] = useState('');
  const [playing, setPlaying] = useState<PlayItem | null>(null);
  const [livePicture, setLivePicture] = useState(false);

  useEffect(() => {
    // an answer for the device shown before (the id changed while it was in flight) is dropped
    let current = true;
    setState('loading');
    setDetail(null);
    setPlaying(null);
    setLivePicture(false);
    const read = (first: boolean) =>
      request(DashboardDevicePageDocument, { id }).then(
        (r) => {
          if (!current) return;
          if (!r.device) return setState('missing');
          setDetail(r.device);
          store.upsertDevice(r.device);
          setState('ready');
        },
        (e: unknown) => {
          // a failed refresh keeps what is shown; its URLs are renewed on the next one
          if (!current || !first) return;
          setError((e as Error).message);
          setState('error');
        },
      );
    void read(true);
    const refresh = setInterval(() => void read(false), REFRESH_MS);
    return () => {
      current = false;
      clearInterval(refresh);
    };
  }, [id]);
  useNow();

  const live = fleet.devices.get(id);
  // the fleet store carries live updates; the detail read adds what a card lacks
  // controls show at once from the fleet's card (a deep link waits for the detail read)
  const d: Card | null = detail || live ? ({ ...(detail ?? {}), ...(live ?? {}) } as Card) : null;

  return (
    <main class="device-page" data-testid="device-page" data-device-id={id}>
      <nav class="crumbs">
        <a href="#/" data-testid="back" class="btn small">
          ‹ Fleet
        </a>
      </nav>
      {state === 'loading' && !d && <p class="muted">Loading the device…</p>}
      {state === 'missing' && <p class="banner">No device has this id (it may have been removed).</p>}
      {state === 'error' && <p class="banner">The device could not be read: {error}</p>}
      {d && (
        <>
          <header class="device-head">
            <div>
              <h1 data-testid="device-name">{d.name}</h1>
              <p class="muted">
                {vendorName(d.vendor)} · {d.model ?? label(d.kind)} · {d.source?.name}
                {detail ? ` · id ${detail.vendorDeviceId}` : ''} · seen {ago(detail?.lastSeenAt ?? d.observedAt)}
              </p>
              <Badges device={d} />
            </div>
          </header>
          <div class="device-grid">
            <div class="device-main">
              {playing ? (
                <Player item={playing} onClose={() => setPlaying(null)} />
              ) : livePicture && detail?.liveSnapshotUrl ? (
                <figure class="thumb">
                  <img data-testid="live-picture" src={mediaUrl(detail.liveSnapshotUrl)} alt={`${d.name} now`} />
                </figure>
              ) : (
                <Thumbnail device={d} />
              )}
              {detail?.liveSnapshotUrl && !playing && (
                <div>
                  <button type="button" class="btn" data-testid="show-live-picture" onClick={() => setLivePicture(!livePicture)}>
                    {livePicture ? 'Show the latest stored picture' : 'Take a live picture from the camera'}
                  </button>
                </div>
              )}
              <section class="panel" aria-label="controls">
                <h2>Controls</h2>
                <ControlRow specs={[...cardControls, triggerEvent]} device={d} scopes={fleet.scopes} />
                {d.capabilities?.includes('PTZ') && (
                  <div class="ptz" aria-label="pan tilt zoom">
                    {ptzControls.map((s) => (
                      <ControlButton key={s.id} spec={s} device={d} scopes={fleet.scopes} />
                    ))}
                  </div>
                )}
              </section>
              <Recordings deviceId={id} added={fleet.recordingsAdded} onPlay={setPlaying} />
              {detail?.hasSnapshotArchive && <SnapshotArchive deviceId={id} timeZone={detail.timeZone ?? null} />}
            </div>
            <aside class="device-side">
              <Streams device={d} scopes={fleet.scopes} onPlay={setPlaying} />
              <Settings d={detail} capabilities={d.capabilities ?? []} />
              <section class="panel" aria-label="storage">
                <h2>Input and storage</h2>
                <dl class="facts">
                  <SignalLine signal={d.signal} />
                  <StorageLines storage={d.storage ?? []} />
                </dl>
                {!d.signal && !(d.storage ?? []).length && <p class="muted">The vendor reports neither.</p>}
              </section>
              <Shares shares={detail ? (detail.shares ?? []) : null} />
            </aside>
          </div>
        </>
      )}
    </main>
  );
}

function Settings({ d, capabilities }: { d: Detail | null; capabilities: string[] }) {
  const s = d?.settings;
  const f = d?.firmware;
  const rows: [string, string | number | null | undefined][] = [
    ['Resolution', s?.resolution],
    ['Video bitrate', s?.videoBitrateKbps ? `${s.videoBitrateKbps} kbps${s.maxVideoBitrateKbps ? ` (max ${s.maxVideoBitrateKbps})` : ''}` : null],
    ['Audio bitrate', s?.audioBitrateKbps ? `${s.audioBitrateKbps} kbps` : null],
    ['Frame rate', s?.frameRate],
    ['Keyframe interval', s?.keyframeIntervalSeconds ? `${s.keyframeIntervalSeconds} s` : null],
    ['Chunk length', s?.chunkDurationSeconds ? `${s.chunkDurationSeconds} s` : null],
    ['Firmware', f?.version ? `${f.version}${f.updateAvailable ? ' (update available)' : ''}${f.updateInProgress ? ` updating ${f.progressPercent ?? 0}%` : ''}` : null],
    ['Firmware problem', f?.failure],
    ['Capabilities', capabilities.map(label).join(', ')],
  ];
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return (
    <section class="panel" data-testid="settings" aria-label="settings">
      <h2>Settings</h2>
      {!d ? (
        <p class="muted">Loading…</p>
      ) : shown.length ? (
        <dl class="facts">
          {shown.map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </Fragment>
          ))}
        </dl>
      ) : (
        <p class="muted">The vendor reports no settings.</p>
      )}
    </section>
  );
}

function Shares({ shares }: { shares: Detail['shares'] | null }) {
  return (
    <section class="panel" data-testid="shares" aria-label="shares">
      <h2>Shares</h2>
      {shares === null ? (
        <p class="muted">Loading…</p>
      ) : shares.length === 0 ? (
        <p class="muted">Not shared.</p>
      ) : (
        <ul class="plain">
          {shares.map((s) => (
            <li key={s.id} data-testid="share">
              <strong>{s.grantee ?? label(s.kind)}</strong> <span class="badge">{label(s.kind)}</span>
              <div class="muted small">
                {(s.rights ?? []).map(label).join(', ')}
                {s.createdAt ? ` · since ${time(s.createdAt)}` : ''}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
