/** Display helpers: every one accepts a missing value and answers a dash. */
const DASH = '–';

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A time in the viewer's zone, or in the device's when its UTC offset is known. */
export function time(iso: string | null | undefined, utcOffsetMinutes?: number | null): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  if (utcOffsetMinutes === null || utcOffsetMinutes === undefined) {
    return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  const local = new Date(d.getTime() + utcOffsetMinutes * 60_000);
  return `${local.toISOString().slice(5, 19).replace('T', ' ')} ${utcOffset(utcOffsetMinutes)}`;
}

/** "UTC+01:00" for an offset of `minutes` ahead of UTC. */
export function utcOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return DASH;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return DASH;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function label(enumValue: string | null | undefined): string {
  return enumValue ? enumValue.toLowerCase().replace(/_/g, ' ') : DASH;
}

const VENDOR_NAMES: Record<string, string> = {
  EPIPHAN_CLOUD: 'Epiphan Cloud',
  AV_STUDIO: 'AV Studio',
  MAGEWELL: 'Magewell',
  VIDEOLOFT: 'Videoloft',
  EVERCAM: 'Evercam',
};

/** The Vendor enum values the page knows, in display order. */
export const VENDORS = Object.keys(VENDOR_NAMES);

export function vendorName(v: string | null | undefined): string {
  return (v && VENDOR_NAMES[v]) ?? label(v);
}
