import { randomBytes } from 'node:crypto';
import type { SourceConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Vendor } from '../model.js';
import { EpiphanSource } from './epiphan/client.js';
import { EvercamSource } from './evercam/client.js';
import { EvercamSimulator } from './evercam/simulator.js';
import { EpiphanSimulator } from './epiphan/simulator.js';
import { MagewellSource } from './magewell/client.js';
import { MagewellSimulator } from './magewell/simulator.js';
import type { Source } from './source.js';
import { VideoloftSource } from './videoloft/client.js';
import { VideoloftSimulator } from './videoloft/simulator.js';

/** A simulator started for demo mode, with the source config that points at it. */
export interface DemoSource {
  config: SourceConfig;
  close(): Promise<void>;
}

interface VendorEntry {
  createSource(config: SourceConfig): Source;
  /** Starts this vendor's simulator on loopback and returns a source config for it. */
  startDemo(): Promise<DemoSource>;
}

function epiphanEntry(vendor: 'EPIPHAN_CLOUD' | 'AV_STUDIO', demoId: string): VendorEntry {
  return {
    createSource(config) {
      if (config.vendor !== vendor) throw new Error(`registry: ${config.vendor} given to ${vendor}`);
      return new EpiphanSource({ config });
    },
    async startDemo() {
      const token = randomBytes(16).toString('hex');
      const sim = new EpiphanSimulator({ flavor: vendor, token, fleetSize: 8, timeScale: 1 });
      const baseUrl = await sim.listen(0);
      return { config: { id: demoId, vendor, baseUrl, token, pollIntervalMs: 2_000 }, close: () => sim.close() };
    },
  };
}

const magewellEntry: VendorEntry = {
  createSource(config) {
    if (config.vendor !== 'MAGEWELL') throw new Error(`registry: ${config.vendor} given to MAGEWELL`);
    return new MagewellSource({ config });
  },
  async startDemo() {
    const password = randomBytes(12).toString('hex');
    const sim = new MagewellSimulator({ encoders: 4, password });
    const urls = await sim.listen();
    // The simulator serves downloads on each encoder's own port instead of the device's port 8080.
    const devices = urls.map((baseUrl) => ({ baseUrl, downloadUrl: baseUrl, username: 'Admin', password }));
    return { config: { id: 'encoders', vendor: 'MAGEWELL', devices }, close: () => sim.close() };
  },
};

const videoloftEntry: VendorEntry = {
  createSource(config) {
    if (config.vendor !== 'VIDEOLOFT') throw new Error(`registry: ${config.vendor} given to VIDEOLOFT`);
    return new VideoloftSource({ config });
  },
  async startDemo() {
    const email = 'ops@example.com';
    const password = randomBytes(12).toString('hex');
    const sim = new VideoloftSimulator({ email, password, camerasPerOwner: 4, loggers: 2 });
    const authUrl = await sim.listen();
    return { config: { id: 'cams', vendor: 'VIDEOLOFT', authUrl, email, password }, close: () => sim.close() };
  },
};

const evercamEntry: VendorEntry = {
  createSource(config) {
    if (config.vendor !== 'EVERCAM') throw new Error(`registry: ${config.vendor} given to EVERCAM`);
    return new EvercamSource({ config });
  },
  async startDemo() {
    const apiKey = randomBytes(12).toString('hex');
    const sim = new EvercamSimulator({ username: 'ops', password: randomBytes(12).toString('hex'), apiId: 'ops', apiKey });
    const url = await sim.listen();
    return { config: { id: 'sites', vendor: 'EVERCAM', baseUrl: `${url}/v1`, apiId: 'ops', apiKey }, close: () => sim.close() };
  },
};

/** The one place a vendor is plugged in. */
const registry: Partial<Record<Vendor, VendorEntry>> = {
  EPIPHAN_CLOUD: epiphanEntry('EPIPHAN_CLOUD', 'cloud'),
  AV_STUDIO: epiphanEntry('AV_STUDIO', 'studio'),
  MAGEWELL: magewellEntry,
  VIDEOLOFT: videoloftEntry,
  EVERCAM: evercamEntry,
};

export function createSource(config: SourceConfig): Source {
  const entry = registry[config.vendor];
  if (!entry) throw new ConfigError(`config: sources[id=${config.id}].vendor: ${config.vendor} is not supported by this avgraph build yet`);
  return entry.createSource(config);
}

/** Demo mode: every vendor simulator that exists, each with a source pointing at it. */
export async function startDemoSources(): Promise<DemoSource[]> {
  return Promise.all(Object.values(registry).map((e) => e.startDemo()));
}
