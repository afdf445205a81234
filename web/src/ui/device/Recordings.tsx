import { useEffect, useRef, useState } from 'preact/hooks';
import { RecordingsTimelineDocument } from '../../generated/graphql.ts';
import { request } from '../../api/http.ts';
import { mediaUrl } from '../../api/media.ts';
import type { RecordingRow } from '../../state/types.ts';
import { bytes, duration, label, time } from '../format.ts';
import type { PlayItem } from './Player.tsx';

const PAGE = 50;
/** the most a refresh reads again at once */
const MAX_REFRESH = 100;
const DAY_MS = 86_400_000;
/** Signed URLs (thumbnails, downloads, playlists) live about ten minutes: the rows are read again before that. */
const REFRESH_MS = 8 * 60_000;

type Renew = (r: RecordingRow) => Promise<string | null>;
/** the window around a recording's start its renewal reads */
const AROUND_MS = 60_000;

/**
 * The device's recordings newest first (Query.recordings filtered by this device), with the ones the subscription
 * announced since merged in; a 24-hour strip above places them in time, coloured by trigger.
 */
export function Recordings({ deviceId, added, onPlay }: { deviceId: string; added: RecordingRow[]; onPlay(item: PlayItem): void }) {
  const [rows, setRows] = useState<RecordingRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  // answers for another device (the page moved on while they were in flight) are dropped
  const shown = useRef(deviceId);
  shown.current = deviceId;
  const loaded = useRef(0);

  const read = async (first: number, after: string | null, around?: string) => {
    const t = around ? Date.parse(around) : NaN;
    const span = Number.isNaN(t) ? {} : { from: new Date(t - AROUND_MS).toISOString(), to: new Date(t + AROUND_MS).toISOString() };
    const data = await request(RecordingsTimelineDocument, { first, after, filter: { deviceIds: [deviceId], ...span } });
    const page = data.recordings;
    return { nodes: (page?.edges ?? []).map((e) => e?.node).filter((n): n is RecordingRow => Boolean(n)), page };
  };

  /** Reads a page (`after` null: the first page, or, with `refresh`, everything shown so far) into the list. */
  const load = async (after: string | null, refresh = false) => {
    const forDevice = deviceId;
    if (!refresh) setState('loading');
    try {
      const { nodes, page } = await read(refresh ? Math.min(MAX_REFRESH, Math.max(PAGE, loaded.current)) : PAGE, after);
      if (shown.current !== forDevice) return;
      setRows((prev) => {
        const next = after ? [...prev, ...nodes] : nodes;
        loaded.current = next.length;
        return next;
      });
      setMore(Boolean(page?.pageInfo?.hasNextPage));
      setCursor(page?.pageInfo?.endCursor ?? null);
      setState('ready');
    } catch (e) {
      if (shown.current !== forDevice || refresh) return;
      setError((e as Error).message);
      setState('error');
    }
  };

  /** A recording's fresh playback URL: the recordings around its start read again. */
  const renew: Renew = async (r) => {
    const forDevice = deviceId;
    const { nodes } = await read(PAGE, null, r.startedAt);
    if (shown.current === forDevice) setRows((prev) => mergeRecordings(prev, nodes));
    return nodes.find((n) => n.id === r.id)?.playback?.hlsUrl ?? null;
  };

  useEffect(() => {
    setRows([]);
    loaded.current = 0;
    void load(null);
    const t = setInterval(() => void load(null, true), REFRESH_MS);
    return () => clearInterval(t);
  }, [deviceId]);

  const mine = added.filter((r) => r.device?.id === deviceId);
  const merged = mergeRecordings(mine, rows);

  return (
    <section class="panel" data-testid="recordings" aria-label="recordings">
      <h2>Recordings and events</h2>
      <DayStrip rows={merged} onPlay={onPlay} renew={renew} />
      {state === 'error' && <p class="control-error" role="alert">Recordings could not be read: {error}</p>}
      {state !== 'loading' && merged.length === 0 && <p class="muted">No recordings in the last days.</p>}
      <ol class="timeline">
        {merged.map((r) => (
          <RecordingItem key={r.id} r={r} onPlay={onPlay} renew={renew} />
        ))}
      </ol>
      {state === 'loading' && <p class="muted">Loading recordings…</p>}
      {more && state === 'ready' && (
        <button type="button" class="btn" onClick={() => void load(cursor)}>
          Older recordings
        </button>
      )}
    </section>
  );
}

/** Newest first; where both have a recording, `read`'s copy wins (an announced one's URLs may have expired). */
function mergeRecordings(announced: RecordingRow[], read: RecordingRow[]): RecordingRow[] {
  const byId = new Map<string, RecordingRow>();
  for (const r of [...announced, ...read]) byId.set(r.id, r);
  return [...byId.values()].sort((x, y) => (x.startedAt < y.startedAt ? 1 : x.startedAt > y.startedAt ? -1 : 0));
}

function playItem(r: RecordingRow, renew: Renew): PlayItem | null {
  return r.playback?.hlsUrl
    ? { url: r.playback.hlsUrl, title: `${label(r.trigger)} ${time(r.startedAt, r.utcOffsetMinutes)}`, live: false, renew: () => renew(r) }
    : null;
}

function RecordingItem({ r, onPlay, renew }: { r: RecordingRow; onPlay(item: PlayItem): void; renew: Renew }) {
  const play = playItem(r, renew);
  const level = r.motionLevel ?? r.audioLevel;
  return (
    <li class={`rec-row trigger-${(r.trigger ?? 'UNKNOWN').toLowerCase()}`} data-testid="recording-row" data-recording-id={r.id}>
      {r.thumbnailUrl ? <img class="rec-thumb" src={mediaUrl(r.thumbnailUrl)} alt="" loading="lazy" data-testid="recording-thumbnail" /> : <div class="rec-thumb empty" />}
      <div class="rec-main">
        <div>
          <span class={`badge trigger ${(r.trigger ?? '').toLowerCase()}`} data-testid="recording-trigger">
            {label(r.trigger)}
          </span>{' '}
          <strong>{time(r.startedAt, r.utcOffsetMinutes)}</strong>
          {r.status !== 'READY' && <span class={`badge ${r.status === 'IN_PROGRESS' ? 'rec' : 'bad'}`}> {label(r.status)}</span>}
        </div>
        <div class="muted small">
          {duration(r.durationSeconds)}
          {r.width && r.height ? ` · ${r.width}×${r.height}` : ''}
          {r.sizeBytes ? ` · ${bytes(r.sizeBytes)}` : ''}
          {level !== null && level !== undefined ? ` · level ${Math.round(level * 100)}%` : ''}
        </div>
      </div>
      <div class="rec-actions">
        {play && (
          <button type="button" class="btn primary" data-testid="play-recording" onClick={() => onPlay(play)}>
            ▶ Play
          </button>
        )}
        {r.playback?.downloadUrl && (
          <a class="btn" data-testid="download-recording" href={mediaUrl(r.playback.downloadUrl)} download>
            ⤓ Download
          </a>
        )}
      </div>
    </li>
  );
}

function DayStrip({ rows, onPlay, renew }: { rows: RecordingRow[]; onPlay(item: PlayItem): void; renew: Renew }) {
  const now = Date.now();
  const inDay = rows.filter((r) => now - new Date(r.startedAt).getTime() < DAY_MS);
  if (!inDay.length) return null;
  return (
    <div class="daystrip" aria-label="the last 24 hours">
      {inDay.map((r) => {
        const start = new Date(r.startedAt).getTime();
        const end = r.endedAt ? new Date(r.endedAt).getTime() : start + (r.durationSeconds ?? 0) * 1000;
        const left = Math.max(0, ((start - (now - DAY_MS)) / DAY_MS) * 100);
        const width = Math.max(0.4, ((Math.max(end, start) - start) / DAY_MS) * 100);
        const play = playItem(r, renew);
        return (
          <button
            key={r.id}
            type="button"
            class={`mark trigger-${(r.trigger ?? '').toLowerCase()}`}
            style={{ left: `${left}%`, width: `${width}%` }}
            title={`${label(r.trigger)} ${time(r.startedAt, r.utcOffsetMinutes)}`}
            disabled={!play}
            onClick={() => play && onPlay(play)}
          />
        );
      })}
      <span class="strip-label left">−24 h</span>
      <span class="strip-label right">now</span>
    </div>
  );
}
