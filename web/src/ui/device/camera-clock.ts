/**
 * Wall-clock arithmetic in a camera's own IANA zone (Device.timeZone): the archive calendar counts days and hours in
 * it. Intl knows each zone's rules, so an hour picked on a DST-change day maps to the right UTC instant.
 */
import { utcOffset } from '../format.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

/** `timeZone` must be one Intl knows: callers pass it through usableZone() first. */
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', timeZone });
    formats.set(timeZone, f);
  }
  return f;
}

/** `timeZone` where Intl knows it, else UTC: what the calendar then counts in. */
export function usableZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall time in `timeZone` at the instant `at` (ms since the epoch). */
export function localTime(timeZone: string, at: number): LocalTime {
  const parts = Object.fromEntries(format(timeZone).formatToParts(at).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** How far `timeZone` is ahead of UTC at the instant `at`, in ms. */
function offsetAt(timeZone: string, at: number): number {
  const t = localTime(timeZone, at);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(at / 60_000) * 60_000;
}

/** The instant a wall time in `timeZone` names (the earlier one where a DST change repeats it). */
export function instantOf(timeZone: string, year: number, month: number, day: number, hour: number): number {
  const asUtc = Date.UTC(year, month - 1, day, hour);
  const first = asUtc - offsetAt(timeZone, asUtc);
  return asUtc - offsetAt(timeZone, first);
}

/** "UTC+01:00" for the zone at the instant `at`. */
export function zoneLabel(timeZone: string, at: number): string {
  return utcOffset(Math.round(offsetAt(timeZone, at) / 60_000));
}
