/**
 * The yardstick for bench/compare.ts: the aggregator a user would write by hand from the vendor documents,
 * with node:http, undici and Promise.all. GET /dashboard answers every device of an Epiphan Cloud account,
 * an AV Studio account and a Videoloft account with its status and latest snapshot URL, read upstream on
 * every request. It does what the documents ask and no more: Videoloft's login is renewed every 15 minutes
 * and viewerInfo (which logger holds a camera) re-read every 10; snapshot URLs are the vendors' own.
 * Vendor field names appear here on purpose: this is the code avgraph saves its users from writing.
 * argv[2]: HandwrittenConfig as JSON.
 */
import { createServer } from 'node:http';
import { request } from 'undici';
import { serveIpc } from './ipc.js';

export interface HandwrittenConfig {
  epiphan: { id: string; vendor: string; baseUrl: string; token: string }[];
  videoloft: { id: string; authUrl: string; email: string; password: string };
}

interface DashboardDevice {
  id: string;
  name: string;
  vendor: string;
  online: boolean;
  recording: boolean | null;
  lastSeen: string | null;
  snapshotUrl: string | null;
}

type Tree<D> = Record<string, { devices: Record<string, D> }>;
interface EpiphanDevice {
  Id: string;
  Name: string;
  Status: string;
  Recording: string;
  StateTime: number;
  SnapshotURL: string;
  IsUnpaired: boolean;
}
interface CameraStatus {
  status: string;
  live: boolean;
  lastactivity: number;
  lastthumb: number;
  laststill: number;
}

const config = JSON.parse(process.argv[2]!) as HandwrittenConfig;

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await request(url, { headers });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`${url.split('?')[0]}: HTTP ${res.statusCode}`);
  }
  return (await res.body.json()) as T;
}

const flatten = <D>(tree: Tree<D>): D[] => Object.values(tree).flatMap((o) => Object.values(o.devices));

async function epiphan(account: HandwrittenConfig['epiphan'][number]): Promise<DashboardDevice[]> {
  const list = await getJson<EpiphanDevice[]>(`${account.baseUrl}/front/api/v2/devices`, { authorization: `Bearer ${account.token}` });
  return list
    .filter((d) => !d.IsUnpaired)
    .map((d) => ({
      id: `${account.id}:${d.Id}`,
      name: d.Name,
      vendor: account.vendor,
      online: d.Status === 'Online',
      recording: d.Recording === 'unknown' ? null : d.Recording === 'on',
      lastSeen: new Date(d.StateTime * 1000).toISOString(),
      snapshotUrl: account.baseUrl + d.SnapshotURL,
    }));
}

const vl = config.videoloft;
const scheme = new URL(vl.authUrl).protocol;
let session: { token: string; authenticator: string };
async function login(): Promise<void> {
  const q = new URLSearchParams({ email: vl.email, password: vl.password });
  const r = await getJson<{ result: { authToken: string; authenticator: string } }>(`${vl.authUrl}/login?${q}`);
  session = { token: r.result.authToken, authenticator: r.result.authenticator };
}
await login();
setInterval(() => void login().catch(() => undefined), 15 * 60_000).unref();

const loggerOf = new Map<string, { logger: string; at: number }>();
async function loggers(uidds: string[]): Promise<void> {
  const stale = uidds.filter((u) => (loggerOf.get(u)?.at ?? 0) < Date.now() - 10 * 60_000);
  if (!stale.length) return;
  const q = stale.map((u) => `uidd=${encodeURIComponent(u)}`).join('&');
  const r = await getJson<{ result: Tree<{ uidd: string; logger: string }> }>(`${session.authenticator}/devices/viewerInfo?${q}`, {
    authorization: `ManythingToken ${session.token}`,
  });
  for (const d of flatten(r.result)) loggerOf.set(d.uidd, { logger: d.logger, at: Date.now() });
}

async function videoloft(): Promise<DashboardDevice[]> {
  const auth = { authorization: `ManythingToken ${session.token}` };
  const cams = flatten((await getJson<{ result: Tree<{ uidd: string; phonename: string }> }>(`${session.authenticator}/devices`, auth)).result);
  await loggers(cams.map((c) => c.uidd));
  const byLogger = new Map<string, string[]>();
  for (const c of cams) {
    const logger = loggerOf.get(c.uidd)!.logger;
    byLogger.set(logger, [...(byLogger.get(logger) ?? []), c.uidd]);
  }
  const status = new Map<string, CameraStatus>();
  await Promise.all(
    [...byLogger].map(async ([logger, uidds]) => {
      const q = uidds.map((u) => `uid=${encodeURIComponent(u)}`).join('&');
      const r = await getJson<{ result: Tree<CameraStatus & { uid: string }> }>(`${scheme}//${logger}/cameras/status?${q}`, auth);
      for (const s of flatten(r.result)) status.set(s.uid, s);
    }),
  );
  return cams.map((c) => {
    const s = status.get(c.uidd);
    const logger = loggerOf.get(c.uidd)!.logger;
    const [kind, time] = s && s.laststill > s.lastthumb ? ['getstill', s.laststill] : ['getthumb', s?.lastthumb];
    return {
      id: `${vl.id}:${c.uidd}`,
      name: c.phonename,
      vendor: 'VIDEOLOFT',
      online: s ? s.status !== 'offline' : false,
      recording: null,
      lastSeen: s ? new Date(s.lastactivity).toISOString() : null,
      snapshotUrl: time ? `${scheme}//${logger}/${kind}/${c.uidd}/${time}/${session.token}` : null,
    };
  });
}

const server = createServer((req, res) => {
  if (req.url !== '/dashboard') {
    res.writeHead(404).end();
    return;
  }
  Promise.all([...config.epiphan.map(epiphan), videoloft()]).then(
    (lists) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ devices: lists.flat() }));
    },
    (e: Error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: e.message }));
    },
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
serveIpc({ url: `http://127.0.0.1:${port}` }, {}, () => {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
});
