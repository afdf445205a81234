import { SnapshotAtDocument, SnapshotHoursDocument } from '../../../../operations/generated/graphql.ts';
import { request } from '../../api/http.ts';

const HOUR = 3_600_000;
const MAX_OFFSET = 14 * HOUR;

/**
 * The archive calendar counts days and hours in the camera's time zone, which the API does not name. The camera's
 * offset from UTC follows from its newest snapshot: its UTC time against the newest (day, hour) of the calendar.
 * 0 when the camera has no snapshot (then there is nothing to place anyway).
 */
export async function cameraOffsetMs(deviceId: string): Promise<number> {
  const at = await request(SnapshotAtDocument, { id: deviceId, time: new Date().toISOString() });
  const taken = at.device?.snapshotAt?.takenAt;
  if (!taken) return 0;
  const t = new Date(taken);
  const days = [-1, 0, 1].map((delta) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + delta)));
  const hours = await Promise.all(
    days.map((d) =>
      request(SnapshotHoursDocument, { id: deviceId, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }).then(
        (r) => r.device?.snapshotHours ?? [],
      ),
    ),
  );
  let latestLocal = -Infinity;
  days.forEach((d, i) => {
    for (const h of hours[i]!) latestLocal = Math.max(latestLocal, d.getTime() + h * HOUR);
  });
  if (!Number.isFinite(latestLocal)) return 0;
  const offset = latestLocal - Math.floor(t.getTime() / HOUR) * HOUR;
  return Math.abs(offset) <= MAX_OFFSET ? offset : 0;
}
