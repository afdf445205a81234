/**
 * Wall-clock times of devices that keep their own clock in an IANA time zone ("Asia/Shanghai") and report
 * local times without an offset. The zone rules come from the ICU data Node ships with (Intl).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether Node knows this zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
export function offsetAt(zone: string, utcMs: number): number {
  const parts = Object.fromEntries(format(zone).formatToParts(new Date(utcMs)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY = 24 * 3600 * 1000;

/**
 * The instant a wall-clock time in a zone names. A time the clock shows twice (fall back) is the earlier of
 * the two; a time it skipped (spring forward) is read with the offset before the change, so it lands after it.
 */
export function wallTimeToDate(t: WallTime, zone: string): Date {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  // Zones change offset at most once within a day: the offsets a day before and after are the only candidates.
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  // no change of offset around it (nearly always): the one offset it can have
  if (before === after) return new Date(wall - before);
  const fits = [...new Set([before, after])].map((o) => wall - o).filter((at) => offsetAt(zone, at) === wall - at);
  return new Date(fits.length ? Math.min(...fits) : wall - before);
}
