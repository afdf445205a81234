/**
 * One vendor's simulator in a process of its own, so its CPU is not counted against the servers measured.
 * argv[2]: a SimSpec as JSON. Answers over IPC: "stats" (vendor requests served, all its HTTP servers
 * together), "reset" (counters to zero) and "faults" (applied to every server, e.g. { latencyMs: 20 }).
 */
import type { SimFaults, SimServer } from '../../src/sources/sim-server.js';
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';
import { MagewellSimulator } from '../../src/sources/magewell/simulator.js';
import { VideoloftSimulator } from '../../src/sources/videoloft/simulator.js';
import { serveIpc } from './ipc.js';

export type SimSpec =
  | { kind: 'epiphan'; flavor: 'EPIPHAN_CLOUD' | 'AV_STUDIO'; token: string; fleetSize: number }
  | { kind: 'videoloft'; email: string; password: string; camerasPerOwner: number; loggers: number }
  | { kind: 'magewell'; password: string; encoders: number };

export interface SimInfo {
  /** Epiphan: base URL; Videoloft: authenticator URL; Magewell: one URL per encoder. */
  urls: string[];
}

export interface SimStats {
  total: number;
  byRoute: Record<string, number>;
  /** Requests per HTTP server (per Magewell encoder, per Videoloft logger...). */
  perServer: number[];
}

const spec = JSON.parse(process.argv[2]!) as SimSpec;
let servers: SimServer[];
let urls: string[];
let close: () => Promise<void>;
if (spec.kind === 'epiphan') {
  const sim = new EpiphanSimulator({ flavor: spec.flavor, token: spec.token, fleetSize: spec.fleetSize });
  urls = [await sim.listen(0)];
  servers = [sim.server];
  close = () => sim.close();
} else if (spec.kind === 'videoloft') {
  const sim = new VideoloftSimulator({ email: spec.email, password: spec.password, camerasPerOwner: spec.camerasPerOwner, loggers: spec.loggers, motionEverySeconds: 0 });
  urls = [await sim.listen()];
  servers = [sim.auth, ...sim.loggers, sim.wowza];
  close = () => sim.close();
} else {
  const sim = new MagewellSimulator({ password: spec.password, encoders: spec.encoders });
  urls = await sim.listen();
  servers = sim.encoders.map((e) => e.server);
  close = () => sim.close();
}

function stats(): SimStats {
  const byRoute: Record<string, number> = {};
  for (const s of servers) for (const [route, n] of Object.entries(s.requestCounts())) byRoute[route] = (byRoute[route] ?? 0) + n;
  const perServer = servers.map((s) => Object.values(s.requestCounts()).reduce((a, b) => a + b, 0));
  return { total: perServer.reduce((a, b) => a + b, 0), byRoute, perServer };
}

serveIpc(
  { urls } satisfies SimInfo,
  {
    stats,
    reset: () => servers.forEach((s) => s.resetCounts()),
    faults: (f) => servers.forEach((s) => s.setFaults(f as Partial<SimFaults>)),
  },
  close,
);
