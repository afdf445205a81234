import { useEffect, useRef, useState } from 'preact/hooks';
import { SnapshotArchiveDocument, SnapshotDaysDocument, SnapshotHoursDocument, type SnapshotRowFragment } from '../../generated/graphql.ts';
import { request } from '../../api/http.ts';
import { mediaUrl } from '../../api/media.ts';
import { instantOf, localTime, usableZone, zoneLabel } from './camera-clock.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Month {
  year: number;
  month: number;
}

/** The stored snapshots by month → day → hour, in the camera's own calendar (its zone; UTC where it names none). */
export function SnapshotArchive({ deviceId, timeZone }: { deviceId: string; timeZone: string | null }) {
  const zone = usableZone(timeZone ?? 'UTC');
  const [month, setMonth] = useState<Month | null>(null);
  const [days, setDays] = useState<number[] | null>(null);
  const [day, setDay] = useState<number | null>(null);
  const [hours, setHours] = useState<number[] | null>(null);
  const [hour, setHour] = useState<number | null>(null);
  const [shots, setShots] = useState<SnapshotRowFragment[] | null>(null);
  const [big, setBig] = useState<SnapshotRowFragment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError((e as Error).message);
  // the answer to the latest pick wins; an earlier, slower one is dropped
  const seq = useRef(0);
  const latest = () => {
    const mine = ++seq.current;
    return () => mine === seq.current;
  };

  useEffect(() => {
    const now = localTime(zone, Date.now());
    setMonth({ year: now.year, month: now.month });
  }, [deviceId, zone]);

  useEffect(() => {
    if (!month) return;
    setDays(null);
    setDay(null);
    setHours(null);
    setHour(null);
    setShots(null);
    const current = latest();
    request(SnapshotDaysDocument, { id: deviceId, ...month }).then((r) => current() && setDays(r.device?.snapshotDays ?? []), (e) => current() && fail(e));
  }, [deviceId, month?.year, month?.month]);

  const pickDay = (d: number) => {
    if (!month) return;
    setDay(d);
    setBig(null);
    setHours(null);
    setHour(null);
    setShots(null);
    const current = latest();
    request(SnapshotHoursDocument, { id: deviceId, ...month, day: d }).then((r) => current() && setHours(r.device?.snapshotHours ?? []), (e) => current() && fail(e));
  };

  const pickHour = (h: number) => {
    if (!month || day === null) return;
    setHour(h);
    setBig(null);
    setShots(null);
    const current = latest();
    const from = instantOf(zone, month.year, month.month, day, h);
    const to = instantOf(zone, month.year, month.month, day, h + 1);
    request(SnapshotArchiveDocument, { id: deviceId, from: new Date(from).toISOString(), to: new Date(to - 1).toISOString(), first: 100 }).then(
      (r) => current() && setShots((r.device?.snapshots?.edges ?? []).map((e) => e?.node).filter((n): n is SnapshotRowFragment => Boolean(n))),
      (e) => current() && fail(e),
    );
  };

  const shift = (by: number) => {
    if (!month) return;
    const d = new Date(Date.UTC(month.year, month.month - 1 + by, 1));
    setMonth({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
  };

  return (
    <section class="panel" data-testid="snapshot-archive" aria-label="snapshot archive">
      <h2>Snapshot archive</h2>
      {error && (
        <p class="control-error" role="alert">
          {error}
        </p>
      )}
      {month && (
        <div class="archive-nav">
          <button type="button" class="btn small" onClick={() => shift(-1)} aria-label="previous month">
            ‹
          </button>
          <strong>
            {MONTHS[month.month - 1]} {month.year}
          </strong>
          <button type="button" class="btn small" onClick={() => shift(1)} aria-label="next month">
            ›
          </button>
          <span class="muted small">
            camera time: {zone} ({zoneLabel(zone, Date.now())}){timeZone && zone !== timeZone ? ` · the camera's zone "${timeZone}" is unknown` : ''}
          </span>
        </div>
      )}
      {days === null ? (
        <p class="muted">Loading…</p>
      ) : days.length === 0 ? (
        <p class="muted">No snapshots stored this month.</p>
      ) : (
        <div class="chips" aria-label="days">
          {days.map((d) => (
            <button key={d} type="button" class={`chip${d === day ? ' on' : ''}`} data-testid="archive-day" onClick={() => pickDay(d)}>
              {d}
            </button>
          ))}
        </div>
      )}
      {day !== null && hours !== null && (
        <div class="chips" aria-label="hours">
          {hours.map((h) => (
            <button key={h} type="button" class={`chip${h === hour ? ' on' : ''}`} data-testid="archive-hour" onClick={() => pickHour(h)} title={`${h}:00 to ${h}:59`}>
              {String(h).padStart(2, '0')}h
            </button>
          ))}
        </div>
      )}
      {hour !== null && shots === null && <p class="muted">Loading snapshots…</p>}
      {shots !== null && shots.length === 0 && <p class="muted">No snapshots in that hour.</p>}
      {big && (
        <figure class="archive-big">
          <img src={mediaUrl(big.url)} alt="" />
          <figcaption class="muted small">
            {big.takenAt ? new Date(big.takenAt).toLocaleString() : ''} {big.notes ?? ''}
          </figcaption>
        </figure>
      )}
      {shots && shots.length > 0 && (
        <div class="archive-shots">
          {shots.map((s) => (
            <button key={s.id} type="button" class="shot" onClick={() => setBig(s)} title={s.takenAt ?? ''}>
              <img data-testid="archive-snapshot" src={mediaUrl(s.url)} alt={s.takenAt ?? 'snapshot'} loading="lazy" />
              <span class="small">{s.takenAt ? clock(localTime(zone, Date.parse(s.takenAt))) : ''}</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

function clock(t: { hour: number; minute: number }): string {
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}
