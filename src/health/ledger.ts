import type { Logger } from '../log.js';
import type { RedisLink } from '../subscriptions/redis-link.js';
import { HEALTH_STATES, type DeviceHealth } from './model.js';

/** How long a source's record outlives its last poll: changes since are still news when polling resumes within it. */
const KEEP_MS = 24 * 60 * 60_000;

/**
 * What the polling replica last said about each device's health, per source (by vendor device id), kept where
 * the next one to poll finds it: a replica that takes over, or starts, judges its first poll against it, so a
 * change made during the handover is announced, and nothing is announced twice.
 */
export interface HealthLedger {
  /** The source's record; null when it cannot be read (Redis away). */
  load(sourceId: string): Promise<Map<string, DeviceHealth> | null>;
  /**
   * Records `changed` and forgets `gone`; `whole` replaces the record with `changed`. Says whether it was
   * written; each write keeps the record another KEEP_MS.
   */
  save(sourceId: string, changed: ReadonlyMap<string, DeviceHealth>, gone: readonly string[], whole: boolean): Promise<boolean>;
}

/** One Redis hash per source, written by the replica that polls it. */
export class RedisHealthLedger implements HealthLedger {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async load(sourceId: string): Promise<Map<string, DeviceHealth> | null> {
    if (!this.link.up) return null;
    try {
      const fields = await this.link.commands.hgetall(this.key(sourceId));
      return new Map(Object.entries(fields).flatMap(([id, v]) => parse(v).map((h) => [id, h] as const)));
    } catch (e) {
      this.failed(e);
      return null;
    }
  }

  async save(sourceId: string, changed: ReadonlyMap<string, DeviceHealth>, gone: readonly string[], whole: boolean): Promise<boolean> {
    if (!this.link.up) return false;
    const key = this.key(sourceId);
    const tx = this.link.commands.multi();
    if (whole) tx.del(key);
    else if (gone.length) tx.hdel(key, ...gone);
    if (changed.size) tx.hset(key, Object.fromEntries([...changed].map(([id, h]) => [id, JSON.stringify(h)])));
    tx.pexpire(key, KEEP_MS);
    try {
      await tx.exec();
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  private key(sourceId: string): string {
    return `${this.prefix}:health:${sourceId}`;
  }

  private failed(e: unknown): void {
    this.link.commandFailed(e);
    this.log.debug({ err: (e as Error).message }, 'device health record: Redis call failed');
  }
}

/** A recorded health, or nothing when it is not one (another version sharing the prefix). */
function parse(text: string): DeviceHealth[] {
  try {
    const h = JSON.parse(text) as Partial<DeviceHealth>;
    const ok = HEALTH_STATES.includes(h.state as DeviceHealth['state']) && Array.isArray(h.reasons);
    return ok ? [{ state: h.state!, reasons: h.reasons!, staleSeconds: h.staleSeconds ?? null }] : [];
  } catch {
    return [];
  }
}
