import { deserialize, serialize } from '../json-dates.js';
import type { Logger } from '../log.js';
import type { RedisLink } from '../subscriptions/redis-link.js';
import type { FleetProgressEvent } from './results.js';

/** What the first entry of a fleet command's list says: the command exists, even before any device finished. */
interface Started {
  fleetCommandId: string;
  total: number;
  startedAt: Date;
}

/**
 * Fleet commands' progress in Redis, so a subscriber on any replica (one that comes late, or after the command
 * finished) gets the whole story: one list per command, `prefix:fleet:<id>`, its start then every event in the
 * order published, expiring retainMs after the last. Written by the replica running the command only.
 */
export class RedisFleetLog {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly retainMs: number,
    private readonly log: Logger,
  ) {}

  /** Resolves once written (or found impossible): the mutation answers only after, so any replica finds the id. */
  async started(s: Started): Promise<void> {
    await this.push(s.fleetCommandId, s);
  }

  /** Resolves once written: the event is published after, so a replica reading the list then listening misses none. */
  async append(e: FleetProgressEvent): Promise<void> {
    await this.push(e.fleetCommandId, e);
  }

  /** The events so far; null for a command no replica ran (or long finished); undefined while Redis is away. */
  async read(fleetCommandId: string): Promise<FleetProgressEvent[] | null | undefined> {
    if (!this.link.up) return undefined;
    try {
      const [head, ...rest] = await this.link.commands.lrange(this.key(fleetCommandId), 0, -1);
      if (head === undefined || !isStarted(parse(head), fleetCommandId)) return null;
      return rest.map(parse).filter((e): e is FleetProgressEvent => isEvent(e, fleetCommandId));
    } catch (e) {
      this.failed(e);
      return undefined;
    }
  }

  private async push(fleetCommandId: string, entry: Started | FleetProgressEvent): Promise<void> {
    if (!this.link.up) return;
    const key = this.key(fleetCommandId);
    try {
      await this.link.commands.multi().rpush(key, serialize(entry)).pexpire(key, this.retainMs).exec();
    } catch (e) {
      this.failed(e);
    }
  }

  private key(fleetCommandId: string): string {
    return `${this.prefix}:fleet:${fleetCommandId}`;
  }

  private failed(e: unknown): void {
    this.link.commandFailed(e);
    this.log.debug({ err: e instanceof Error ? e.message : String(e) }, 'fleet progress: Redis call failed');
  }
}

function parse(text: string): unknown {
  try {
    return deserialize(text);
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

// entries of another version sharing the prefix are not ours: skipped
function isStarted(v: unknown, id: string): boolean {
  return isObject(v) && v.fleetCommandId === id && typeof v.total === 'number' && v.startedAt instanceof Date;
}

function isEvent(v: unknown, id: string): boolean {
  return isObject(v) && v.fleetCommandId === id && typeof v.total === 'number' && (v.result === null || isObject(v.result));
}
