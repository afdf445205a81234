import { UpstreamError } from '../errors.js';
import type { Device, Vendor } from '../model.js';
import type { FleetRead, Source } from '../sources/source.js';
import type { Topics } from '../subscriptions/pubsub.js';

type DeviceRead = Topics['deviceRead'];
import { localReads, type SharedReads } from './shared-reads.js';

/**
 * How old an answer may be by default, per vendor: cloud APIs that meter calls are read less often than an
 * encoder on the local network (which still allows only two sessions).
 */
export const DEFAULT_MAX_AGE_MS: Record<Vendor, number> = {
  EPIPHAN_CLOUD: 5_000,
  AV_STUDIO: 5_000,
  MAGEWELL: 2_000,
  VIDEOLOFT: 10_000,
  EVERCAM: 15_000,
};

/** A fleet read as it travels between replicas (errors as plain data). */
interface SharedFleet {
  devices: Device[];
  failures: { message: string; vendor: Vendor; sourceId: string; code: string | null; retryable: boolean; status: number | null }[];
}

interface Entry {
  /** null: the source said there is no such device. */
  device: Device | null;
  /** When the read that produced it began. */
  at: number;
}

/**
 * The latest state of one source's devices, shared by every request, subscription and poller of the process
 * (and, through SharedReads, by every replica). A read no older than the asked freshness is answered from here;
 * otherwise one upstream read is made, and concurrent asks share it. Each device carries `observedAt`.
 */
export class DeviceStore {
  private readonly entries = new Map<string, Entry>();
  private fleetAt = -Infinity;
  private fleetIds: string[] = [];
  private failures: UpstreamError[] = [];
  private fleetRead: Promise<void> | null = null;
  private readonly deviceReads = new Map<string, Promise<void>>();
  private readonly observers = new Set<(device: Device) => void>();

  constructor(
    readonly source: Source,
    /** Default freshness bound of this source's answers. */
    readonly maxAgeMs: number,
    private readonly shared: SharedReads = localReads,
    /** Tells the other replicas what a command did to a device (read your writes everywhere). */
    private readonly announce: (e: DeviceRead) => void = () => undefined,
  ) {}

  /** The whole fleet, read no longer than `maxAgeMs` ago. */
  async fleet(maxAgeMs = this.maxAgeMs): Promise<FleetRead> {
    if (!this.fresh(this.fleetAt, maxAgeMs)) await this.readFleet(maxAgeMs);
    return { devices: this.lastFleet(), failures: this.failures };
  }

  /** The devices of the last fleet read kept, without reading (none before the first read). */
  lastFleet(): Device[] {
    return this.fleetIds.flatMap((id) => {
      const d = this.entries.get(id)?.device;
      return d ? [d] : [];
    });
  }

  /** Reads the fleet now (or joins the read in flight): pollers keep the store fresh this way. */
  refreshFleet(): Promise<FleetRead> {
    return this.fleet(0);
  }

  /**
   * One device, read no longer than `maxAgeMs` ago: through the fleet's list call where the vendor has one,
   * alone where the vendor is read device by device.
   */
  async device(vendorDeviceId: string, maxAgeMs = this.maxAgeMs): Promise<Device | null> {
    const entry = this.entries.get(vendorDeviceId);
    if (entry && this.fresh(entry.at, maxAgeMs)) return entry.device;
    if (this.source.reads === 'per-device') await this.readDevice(vendorDeviceId, maxAgeMs);
    else await this.readFleet(maxAgeMs);
    return this.entries.get(vendorDeviceId)?.device ?? null;
  }

  /** After a command: this device, read again now, so the caller's next query sees the change. */
  async refreshDevice(vendorDeviceId: string): Promise<Device | null> {
    const at = Date.now();
    const device = await this.source.getDevice(vendorDeviceId);
    this.learn(vendorDeviceId, device, at);
    this.announce({ sourceId: this.source.id, vendorDeviceId, device, at: new Date(at) });
    return this.entries.get(vendorDeviceId)?.device ?? null;
  }

  /** After a command that removed the device. */
  forget(vendorDeviceId: string): void {
    const at = Date.now();
    this.learn(vendorDeviceId, null, at);
    this.announce({ sourceId: this.source.id, vendorDeviceId, device: null, at: new Date(at) });
  }

  /** The device as last taken here, at any age (null: unknown or gone); never reads. */
  peek(vendorDeviceId: string): Device | null {
    return this.entries.get(vendorDeviceId)?.device ?? null;
  }

  /** Calls `listener` with every state of a device the store takes (health keeps its short history this way). */
  onObserved(listener: (device: Device) => void): () => void {
    this.observers.add(listener);
    return () => void this.observers.delete(listener);
  }

  /** What a command did to a device, read here or by another replica: taken if newer than what is here. */
  learn(vendorDeviceId: string, device: Device | null, at: number): void {
    this.put(vendorDeviceId, device, at);
    // a device the fleet did not have: the next listing reads the fleet again
    if (device && !this.fleetIds.includes(vendorDeviceId)) this.fleetAt = -Infinity;
  }

  private fresh(at: number, maxAgeMs: number): boolean {
    return Date.now() - at <= maxAgeMs;
  }

  private readFleet(maxAgeMs: number): Promise<void> {
    // a read in flight began no earlier than any ask waiting for it: join it
    this.fleetRead ??= (async () => {
      try {
        const { value, at } = await this.shared.read<SharedFleet>(`${this.source.id}:fleet`, maxAgeMs, async () => {
          const read = await this.source.listDevices();
          return { devices: read.devices, failures: read.failures.map((f) => ({ message: f.message, ...f.toInit() })) };
        });
        for (const d of value.devices) this.put(d.vendorDeviceId, d, at);
        this.fleetIds = value.devices.map((d) => d.vendorDeviceId);
        this.failures = value.failures.map((f) => new UpstreamError(f.message, f));
        this.fleetAt = at;
      } finally {
        this.fleetRead = null;
      }
    })();
    return this.fleetRead;
  }

  private readDevice(vendorDeviceId: string, maxAgeMs: number): Promise<void> {
    let pending = this.deviceReads.get(vendorDeviceId);
    if (!pending) {
      pending = (async () => {
        try {
          const { value, at } = await this.shared.read(`${this.source.id}:device:${vendorDeviceId}`, maxAgeMs, () => this.source.getDevice(vendorDeviceId));
          this.put(vendorDeviceId, value, at);
        } finally {
          this.deviceReads.delete(vendorDeviceId);
        }
      })();
      this.deviceReads.set(vendorDeviceId, pending);
    }
    return pending;
  }

  /** Keeps the newest read of each device: a slow read that began earlier never overwrites a later one. */
  private put(vendorDeviceId: string, device: Device | null, at: number): void {
    const current = this.entries.get(vendorDeviceId);
    if (current && current.at > at) return;
    const stored = device && { ...device, observedAt: new Date(at) };
    this.entries.set(vendorDeviceId, { device: stored, at });
    if (stored) for (const listener of this.observers) listener(stored);
  }
}
